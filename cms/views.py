from django.shortcuts import render
from django.views.decorators.http import require_GET

from cms.search import search


@require_GET
def search_view(request):
    results = search(request.GET.get("q", ""), page_number=request.GET.get("page", 1), request=request)
    return render(request, "cms/search.html", {"results": results})
