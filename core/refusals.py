"""Refusals on the API paths (/graphql/, /api/) answered in JSON, in the client's language, never Django's HTML.

A program reading the API cannot parse Django's English error pages: a CSRF failure, a page that does not exist,
a method not allowed, a body too large or a rate limit each become ``{"errors": [{"message", "extensions":
{"code"}}]}`` with the same status, the message in the language the client asks for (the language cookie, then
Accept-Language, then Chinese). ``csrf_failure`` is settings.CSRF_FAILURE_VIEW; ``ApiRefusalMiddleware`` (after
the locale middleware) rewrites every other non-JSON error on those paths, and refuses a body over the path's
limit (``body_limit``) with a 413 before anything reads it: Django's CSRF check reads a form body, and a body
over DATA_UPLOAD_MAX_MEMORY_SIZE would otherwise end as a 400.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure

API_PATHS = ("/graphql/", "/api/")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATHS)


def _messages(status: int, request: HttpRequest) -> tuple[str, str]:
    if status == 403:
        return "permission_denied", _("You are not allowed to do this.")
    if status == 404:
        return "not_found", _("There is nothing at this address of the API.")
    if status == 405:
        return "method_not_allowed", _("This address of the API does not accept %(method)s requests.") % {
            "method": request.method
        }
    if status == 413:
        return "too_large", _("The request is too large.")
    if status == 429:
        return "rate_limited", _("Too many requests. Wait a minute and try again.")
    if status >= 500:
        return "internal_error", _("Something went wrong on our side. Please try again later.")
    return "bad_request", _("The request could not be understood.")


def refusal(request: HttpRequest, status: int, code: str | None = None, message: str | None = None) -> JsonResponse:
    """The JSON refusal of an API request, in the client's language."""
    with translation.override(translation.get_language_from_request(request)):
        default_code, default_message = _messages(status, request)
        body = {"errors": [{"message": str(message or default_message), "extensions": {"code": code or default_code}}]}
    response = JsonResponse(body, status=status)
    response["Content-Language"] = translation.get_language_from_request(request)
    return response


def body_limit(request: HttpRequest) -> int | None:
    """The most bytes a request body may have on this path: GraphQL's own limit, never above Django's."""
    django_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.path_info.startswith("/graphql/"):
        limits = [settings.GRAPHQL_MAX_BODY_BYTES] + ([django_limit] if django_limit is not None else [])
        return min(limits)
    return django_limit


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def too_large(request: HttpRequest, limit: int | None = None) -> JsonResponse:
    """The 413 of an API request whose body is over ``limit`` bytes (default: the path's), with the limit in KB."""
    limit = body_limit(request) if limit is None else limit
    with translation.override(translation.get_language_from_request(request)):
        message = _("The request is too large: at most %(size)d KB.") % {"size": max(1, (limit or 0) // 1024)}
    return refusal(request, 413, "too_large", message)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: JSON on the API, Django's page elsewhere."""
    if not is_api(request):
        return django_csrf_failure(request, reason=reason)
    with translation.override(translation.get_language_from_request(request)):
        message = _("The security token is missing or has expired. Reload the page and try again.")
    return refusal(request, 403, "csrf_failed", message)


class ApiRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request) and (limit := body_limit(request)) is not None and declared_length(request) > limit:
            return too_large(request, limit)  # unread
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replaced = refusal(request, response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig) and is_api(request):
            return too_large(request)
        return None
