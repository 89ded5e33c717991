"""Fixed-window counters in the cache, shared by every rate limit that must not store who asked."""

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def hashed_ip(purpose, address):
    """A client address as it may appear in a cache key: an HMAC, never the address itself."""
    return salted_hmac(purpose, address or "-", algorithm="sha256").hexdigest()[:32]


def window_bucket(timestamp, seconds):
    """The fixed window a moment falls in, and when that window ends (both in epoch seconds)."""
    bucket = int(timestamp) // seconds
    return bucket, (bucket + 1) * seconds


def increment(key, seconds):
    """Count one hit under `key`, which expires with its window; returns the new count."""
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        return 1
