"""The default cache on Redis, for data that can always be recomputed: while Redis is unreachable it misses.

Wagtail keeps its site root paths in the default cache and our pages their fragments ({% cache %}): with a strict
backend a Redis outage would answer every page 503. With this one, reads miss and writes are skipped (logged once
in a while), so pages render from the database, a little slower. ``incr`` is not covered: counting needs an answer,
and the rate limits use the strict "counters" alias with their own decision (core/ratelimit.py).
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from core.outage import log_outage
from core.ratelimit import CACHE_ERRORS


class FailOpenRedisCache(RedisCache):
    def _fail_open(self, exc, value):
        log_outage(exc, "cache (failing open)")
        return value

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except CACHE_ERRORS as exc:
            return self._fail_open(exc, None)
