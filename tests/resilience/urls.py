"""The site's URLs plus views that fail the way an outage makes real views fail."""

from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import JsonResponse
from django.urls import path
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.urls import urlpatterns as site_urlpatterns

handler500 = "core.outage.server_error"

ERRORS = {
    "operational": OperationalError("could not connect to server"),
    "interface": InterfaceError("connection already closed"),
    "redis": RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
    "redis-timeout": RedisTimeoutError("Timeout reading from socket"),
    "integrity": IntegrityError("duplicate key"),
    "bug": ValueError("a bug"),
}


def fail(request, kind):
    raise ERRORS[kind]


def fail_wrapped(request):
    try:
        raise RedisConnectionError("Connection refused")
    except RedisConnectionError as exc:
        raise RuntimeError("a library wrapped it") from exc


def fine(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("outage/<str:kind>/", fail),
    path("api/outage/<str:kind>/", fail),
    path("outage-wrapped/", fail_wrapped),
    path("fine/", fine),
    *site_urlpatterns,
]
