"""Fixed-window counters in the cache, shared by every rate limit that must not store who asked.

When Redis is unreachable a counter can be neither read nor counted, and each limit says what that means
(``fail_open``), because there is no answer right for all of them:

- fail closed (the default): the Redis error propagates and the request is answered 503 "try again in a minute"
  (core/outage.py), nothing saved. For limits that guard a secret or a cost: receipt and tracking-code guessing,
  SMS codes, case subscriptions.
- fail open: the request goes on unmetered for the length of the outage, and the outage is logged. For citizens'
  and cadres' writes whose refusal would lose more than a short unmetered window risks: complaint intake,
  online applications, forum posts, quiz play, the generic GraphQL mutation limit (operations that cost or guard
  something keep their own closed limit in their service). Always for a count taken after the data is committed:
  an error there would report a saved submission as failed and invite a double.
"""

from django.core.cache import InvalidCacheBackendError, caches
from django.utils.crypto import salted_hmac
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.outage import log_outage

CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError)


def hashed_ip(purpose, address):
    """A client address as it may appear in a cache key: an HMAC, never the address itself."""
    return salted_hmac(purpose, address or "-", algorithm="sha256").hexdigest()[:32]


def window_bucket(timestamp, seconds):
    """The fixed window a moment falls in, and when that window ends (both in epoch seconds)."""
    bucket = int(timestamp) // seconds
    return bucket, (bucket + 1) * seconds


def counters():
    """The strict cache alias ("counters" in settings.CACHES), or the default one where a deployment lacks it."""
    try:
        return caches["counters"]
    except InvalidCacheBackendError:
        return caches["default"]


def _unmetered(exc, key):
    log_outage(exc, f"rate limit {key.split(':', 1)[0]} (failing open)")
    return 0


def increment(key, seconds, fail_open=False):
    """Count one hit under `key`, which expires with its window; returns the new count (0 when failing open)."""
    cache = counters()
    try:
        cache.add(key, 0, timeout=seconds)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)
            return 1
    except CACHE_ERRORS as exc:
        if not fail_open:
            raise
        return _unmetered(exc, key)


def count(key, fail_open=False):
    """The hits counted under `key` so far (0 when failing open)."""
    return counts([key], fail_open=fail_open)[key]


def counts(keys, fail_open=False):
    """The hits counted under each key so far, as a dict (all 0 when failing open)."""
    try:
        found = counters().get_many(keys)
    except CACHE_ERRORS as exc:
        if not fail_open:
            raise
        _unmetered(exc, keys[0] if keys else "")
        found = {}
    return {key: found.get(key) or 0 for key in keys}
