"""Outages of PostgreSQL, Redis or the task broker: a clean 503 that says "try again", never a traceback or a 500.

Every request that fails because a backing service is unreachable (a database restart, Redis stopped, a broken
connection) ends here, whichever layer it failed in:

- ``OutageMiddleware.process_exception`` catches what a view raises (services, templates, on_commit callbacks that
  run when the view's transaction commits);
- ``server_error`` is the site's ``handler500``: Django turns an exception raised inside any middleware (the session
  read from the database, the session saved on the way out, authentication) into a call of ``handler500`` before it
  could reach an outer middleware, so that is the one place that sees those too;
- ``OutageMiddleware.__call__`` (outermost) catches the rest.

The answer: 503 with ``Retry-After``, an HTML page (templates/503.html) or JSON for the API, saying that what was
sent was not saved. Transactions roll back when the exception leaves them, and the writes that follow a commit
(task enqueueing, rate-limit counters) are made never to raise (core/enqueue.py, core/ratelimit.py), so "not
saved" is the truth and resubmitting does not double anything. One window remains: an outage that begins after a
complaint or application change committed, while its answer is rendered or the session saved. Such changes publish
a domain event (core/events.py); one committed during the request turns the answer into "it WAS saved, do not
send it again". Each failure is logged once, at WARNING, by class only: no traceback, no request data.
"""

import contextvars
import logging
import sys
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# The database unreachable or its connection broken (OperationalError also covers SQLite's "database is locked" and
# PostgreSQL's cancelled statements, both worth a retry), and Redis, as cache and as task broker, unreachable.
# IntegrityError and ProgrammingError are bugs or bad data, not outages: they stay 500s.
OUTAGE_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 30
JSON_PATHS = ("/graphql/", "/api/", "/healthz")
# At most one log line per exception class per this many seconds and process: an outage fails every request.
LOG_EVERY = 10.0
_last_logged = {}
_suppressed = {}
# The kinds of domain events committed during the current request (a list while OutageMiddleware runs it).
_committed = contextvars.ContextVar("outage_committed", default=None)


def note_committed(sender, event, **kwargs):
    """domain_event receiver: remember, once its transaction commits, that this request saved a change."""
    committed = _committed.get()
    if committed is not None:
        transaction.on_commit(lambda: committed.append(event.kind))


def note_committed_batch(sender, events, **kwargs):
    """domain_events receiver: as note_committed, for a batch."""
    committed = _committed.get()
    if committed is not None:
        transaction.on_commit(lambda: committed.extend(event.kind for event in events))


def outage_cause(exc, depth=5):
    """The outage error behind `exc` (itself, or what it was raised from or during), or None."""
    while exc is not None and depth > 0:
        if isinstance(exc, OUTAGE_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
        depth -= 1
    return None


def log_outage(exc, where):
    name = f"{type(exc).__module__}.{type(exc).__qualname__}"
    now = time.monotonic()
    if now - _last_logged.get(name, -LOG_EVERY) < LOG_EVERY:
        _suppressed[name] = _suppressed.get(name, 0) + 1
        return
    _last_logged[name] = now
    skipped = _suppressed.pop(name, 0)
    logger.warning("service unavailable (%s) in %s (%d more since the last line)", name, where, skipped)


def wants_json(request):
    if request.path_info.startswith(JSON_PATHS) or request.content_type == "application/json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _language(request):
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _page(wrote, saved):
    context = {"wrote": wrote, "saved": saved, "LANGUAGE_CODE": translation.get_language()}
    try:
        # No request context: context processors would query the database or the cache that just failed.
        return render_to_string("503.html", context)
    except Exception:  # the answer to an outage must not fail in turn (a missing static manifest, say)
        logger.exception("503 page failed to render")
        return _("System busy, please try again later")


def unavailable(request, exc, where="request"):
    """The 503 answer for a request that failed on `exc`; renders without the database or the cache."""
    log_outage(exc, f"{where}, answered 503")
    wrote = request.method not in ("GET", "HEAD", "OPTIONS")
    saved = bool(_committed.get())
    with translation.override(_language(request)):
        if wants_json(request):
            if saved:
                message = _("What you sent was saved, but the answer could not be shown. Do not send it again.")
            elif wrote:
                message = _(
                    "The service is temporarily unavailable and nothing was saved. Please try again in a minute."
                )
            else:
                message = _("The service is temporarily unavailable. Please try again in a minute.")
            error = {"message": message, "code": "unavailable", "extensions": {"code": "unavailable", "saved": saved}}
            body = {"errors": [error]}
            if not request.path_info.startswith("/graphql/"):
                body["ok"] = False  # as in our JSON form answers (complaint intake), which clients test first
            response = JsonResponse(body, status=503)
        else:
            response = HttpResponse(_page(wrote, saved), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    # Logged above, once and without a traceback: Django's request logger need not log it again.
    response._has_been_logged = True
    return response


class OutageMiddleware:
    """Outermost middleware (first in MIDDLEWARE): answers 503 for an outage instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _committed.set([])
        try:
            return self.get_response(request)
        except Exception as exc:
            cause = outage_cause(exc)
            if cause is None:
                raise
            return unavailable(request, cause, "middleware")
        finally:
            _committed.reset(token)

    def process_exception(self, request, exception):
        cause = outage_cause(exception)
        if cause is not None:
            return unavailable(request, cause, "view")
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: an outage raised inside a middleware becomes the 503 answer, anything else Django's 500 page."""
    cause = outage_cause(sys.exc_info()[1])
    if cause is not None:
        return unavailable(request, cause, "middleware")
    return defaults.server_error(request, template_name)
