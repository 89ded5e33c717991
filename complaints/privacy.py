"""No trace of the reporter: complaint requests lose their identifying metadata before anything can store it.

``ComplaintPrivacyMiddleware`` runs first. For a complaint request (our pages under /complaints/, the app's
complaint screens, a GraphQL request naming a complaint field) it keeps only an HMAC of the client address
(``request.complaints_source``, for rate limits in the cache) and removes the address, the user agent, forwarding
headers and the referrer from ``request.META`` before any other middleware, view or logger sees the request. The
response is marked ``no-store`` and ``Referrer-Policy: same-origin``.

``ComplaintLogFilter`` (on the console handler in LOGGING) removes the request object from log records of such
requests and drops the development server's access lines for complaint paths.
"""

import re

from django.core.exceptions import RequestDataTooBig
from django.utils.cache import add_never_cache_headers

from config.logging import PRIVATE_PATHS
from core.client import client_address
from core.ratelimit import hashed_ip
from core.refusals import body_limit, declared_length

GRAPHQL_PATH = "/graphql/"
# Any GraphQL document naming one of our complaint fields or types.
GRAPHQL_COMPLAINT = re.compile(rb"omplaint|ublicCase|aseSubscription")
SCRUBBED_META = (
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_REFERER",
    "HTTP_VIA",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_SEC_CH_UA_MOBILE",
    "REMOTE_HOST",
)
SOURCE_PURPOSE = "complaints.source"


def is_complaint_request(request):
    path = request.path_info
    if PRIVATE_PATHS.match(path):
        return True
    if path == GRAPHQL_PATH:
        if request.method != "POST":
            return bool(GRAPHQL_COMPLAINT.search(request.META.get("QUERY_STRING", "").encode()))
        # A body over the limit is refused unread with a JSON 413 (core.refusals): reading it here would fail
        # first. Unread, it might name a complaint, so it is scrubbed like one (it is refused anyway).
        if declared_length(request) > (body_limit(request) or 0):
            return True
        try:
            return bool(GRAPHQL_COMPLAINT.search(request.body))
        except RequestDataTooBig:
            return True
    return False


def scrub(request):
    request.complaints_source = hashed_ip(SOURCE_PURPOSE, client_address(request))
    request.complaints_private = True
    request.META["REMOTE_ADDR"] = ""
    for key in SCRUBBED_META:
        request.META.pop(key, None)
    for key in [k for k in request.META if k.startswith("HTTP_SEC_CH_UA")]:
        request.META.pop(key, None)


def source_of(request):
    """The rate-limit identity of a request: the HMAC taken before scrubbing (or now, outside the middleware)."""
    source = getattr(request, "complaints_source", None)
    return source or hashed_ip(SOURCE_PURPOSE, client_address(request))


class ComplaintPrivacyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        private = is_complaint_request(request)
        if private:
            scrub(request)
        response = self.get_response(request)
        if private:
            add_never_cache_headers(response)
            # Not "no-referrer": browsers then send "Origin: null" with form posts and CSRF checks fail. Same-origin
            # keeps the complaint URL from leaking to any other site; our own copy of the header is scrubbed.
            response.headers["Referrer-Policy"] = "same-origin"
        return response


class ComplaintLogFilter:
    """Keep complaint requests out of logs: no request object, no access line."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and getattr(request, "complaints_private", False):
            record.request = None
        if record.name == "django.server":
            line = str(getattr(record, "args", ("",))[0] if getattr(record, "args", None) else record.msg)
            if re.search(r"\s/(complaints|app/complaints|app/cases|mine)", line):
                return False
        return True
