"""A site-wide content version: cached fragments name it in their key, so any publish makes them stale at once."""

import uuid

from django.core.cache import cache

VERSION_KEY = "cms:content-version"


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add, not set: two processes starting at once agree on the first value written.
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_content_version(*args, **kwargs):
    """Signal receiver: published, unpublished, moved or deleted content changes what lists show."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
