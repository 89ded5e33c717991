"""Outages simulated in-process: nothing here stops the machine's PostgreSQL or Redis, which other tests share."""

import contextlib

import django_q.brokers
import django_q.tasks
import pytest
from django.db import OperationalError, connection
from django_q.brokers.redis_broker import Redis as RedisBroker
from django_q.conf import Conf

from core import outage
from tests.complaints.conftest import city  # noqa: F401  (the complaints tests' departments, shared)

# Nothing listens on port 1: connecting is refused at once, as with Redis stopped.
CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _fresh_log_throttle(monkeypatch):
    """Each test sees its own first outage line (core.outage logs one per class per few seconds)."""
    monkeypatch.setattr(outage, "_last_logged", {})
    monkeypatch.setattr(outage, "_suppressed", {})


@contextlib.contextmanager
def broker_down():
    """django-q2 on a Redis that refuses connections: async_task raises redis' ConnectionError, as in production."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Conf, "SYNC", False)
        mp.setattr(Conf, "REDIS", CLOSED_REDIS)
        mp.setattr(django_q.tasks, "get_broker", lambda *args, **kwargs: RedisBroker())
        mp.setattr(django_q.brokers, "get_broker", lambda *args, **kwargs: RedisBroker())
        yield


@contextlib.contextmanager
def database_down():
    """Every new query fails as with PostgreSQL restarting (the error class psycopg raises is OperationalError)."""

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(connection, "ensure_connection", refuse)
        yield


@pytest.fixture
def redis_down(settings):
    """Both cache aliases on a Redis that refuses connections (the broker is patched separately: broker_down)."""
    options = {"LOCATION": CLOSED_REDIS, "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FailOpenRedisCache", **options},
        "counters": {"BACKEND": "django.core.cache.backends.redis.RedisCache", **options},
    }
    yield
