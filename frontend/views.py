from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def shell(request, path=""):
    """Every /app/ URL gets the same shell; the client-side router picks the screen.

    No CSRF cookie here, so that the shell can be cached: the app fetches its token from /api/csrf/ (api.js).
    """
    return render(request, "frontend/shell.html")


@never_cache
@require_GET
def service_worker(request):
    """Served from /app/ so its scope covers the whole app (a static URL would limit it to /static/)."""
    found = finders.find("frontend/sw.js")
    if not found:
        raise Http404
    with open(found, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/app/"
    return response


@require_GET
def manifest(request):
    found = finders.find("frontend/manifest.webmanifest")
    if not found:
        raise Http404
    with open(found, encoding="utf-8") as handle:
        return HttpResponse(handle.read(), content_type="application/manifest+json")
