"""A site-wide content version: cached fragments name it in their key, so any publish makes them stale at once."""

import uuid

from django.core.cache import cache

VERSION_KEY = "cms:content-version"
FOOTER_VERSION_KEY = "cms:footer-version"


def content_version(key=VERSION_KEY):
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        # add, not set: two processes starting at once agree on the first value written.
        cache.add(key, version, timeout=None)
        version = cache.get(key, version)
    return version


def footer_version():
    """Changed only by saving the site information (设置 → 网站信息): publishing a page leaves the footer cached."""
    return content_version(FOOTER_VERSION_KEY)


def bump_footer_version(*args, **kwargs):
    cache.set(FOOTER_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def bump_content_version(*args, **kwargs):
    """Signal receiver: published, unpublished, moved or deleted content changes what lists show."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
