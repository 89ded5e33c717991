"""Public pages from a cache for visitors without a session, purged site-wide when what they show changes.

Two layers share one purge: Wagtail's frontend-cache invalidation (``wagtail.contrib.frontend_cache``) calls every
backend in WAGTAILFRONTENDCACHE, which are ``DjangoCacheBackend`` below (the in-app cache, always) and, in
production, Wagtail's HTTP backend purging Varnish (deploy/varnish/). Purges are site-wide: the home page lists
the newest cases, every page shows the phrase of the day, the catalogue lists its items, so one edit can change
any page; edits are rare next to reads, and a page costs one render per language to rebuild.

What is stored (docs/performance.md#cached-public-pages): GET responses 200 of the views named in
PAGE_CACHE_VIEWS, to requests carrying neither a session nor a messages cookie, that set no cookie, used no CSRF
token and no CSP nonce and are not marked private. The key is scheme, host, path with query string, language and
the day (the phrase of the day changes at midnight); the entry carries the purge generation it was stored under.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

GENERATION_KEY = "pagecache:generation"
# Headers a cached response keeps; the outer middleware (security, sessions, locale) add theirs on every answer.
_SKIPPED_HEADERS = {"set-cookie", "date", "age"}


def enabled():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


def _personal(request):
    """A session (a logged-in cadre, a citizen mid-form) or pending messages: the page may be someone's own."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def page_key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"pagecache:{request.LANGUAGE_CODE}:{timezone.localdate().isoformat()}:{digest}"


def _storable(request, response):
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in settings.PAGE_CACHE_VIEWS:
        return False
    if getattr(request, "pagecache_page_type", None) in settings.PAGE_CACHE_SKIP_PAGE_TYPES:
        return False
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    # get_token() leaves this key (True, then False once the cookie is set): the page carries a CSRF token.
    if response.cookies or "CSRF_COOKIE_NEEDS_UPDATE" in request.META:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # A nonce served twice is no nonce (config/csp.py): pages with inline scripts are rendered every time.
    policy = response.get("Content-Security-Policy", "") + response.get("Content-Security-Policy-Report-Only", "")
    return "'nonce-" not in policy


def _mark_public(response):
    # Browsers revalidate (max-age=0) so a purge reaches them; a shared cache keeps it (Varnish honours s-maxage).
    patch_cache_control(response, max_age=0, s_maxage=settings.PAGE_CACHE_SECONDS)
    # The language comes from a cookie, and a session cookie means the page is rendered for its holder.
    patch_vary_headers(response, ("Cookie",))


class PageCacheMiddleware:
    """Below the locale middleware (the key names the language), above CSRF, auth and CSP (a hit skips them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or request.method not in ("GET", "HEAD") or _personal(request):
            return self.get_response(request)
        if request.path_info.startswith(settings.PAGE_CACHE_SKIP_PREFIXES):
            return self.get_response(request)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        entry = found.get(key)
        if entry is not None and generation is not None and entry[0] == generation:
            return self._rebuild(entry)
        response = self.get_response(request)
        if _storable(request, response):
            _mark_public(response)
            if generation is None:
                generation = current_generation()
            headers = [(name, value) for name, value in response.items() if name.lower() not in _SKIPPED_HEADERS]
            cache.set(key, (generation, response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _rebuild(entry):
        _generation, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response


def current_generation():
    """The purge generation: anything cached under an older one was stored before the site last changed."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # add, not set: processes starting together agree on the first value written.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


class DjangoCacheBackend(BaseBackend):
    """Wagtail frontend-cache backend for the in-app cache: any purge starts a new generation (site-wide)."""

    def purge(self, url):
        self.purge_batch([url])

    def purge_batch(self, urls):
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def purge_site():
    """Every backend forgets every public page of every site: once, after the transaction commits."""
    connection = transaction.get_connection()
    # One purge object per transaction: registered for each change, it purges on its first call only. A purge of a
    # rolled-back transaction never ran, so the next change reuses it.
    purge = getattr(connection, "_pagecache_purge", None)
    if purge is None or purge.done:
        purge = connection._pagecache_purge = _Purge()
    transaction.on_commit(purge)


class _Purge:
    done = False

    def __call__(self):
        if not self.done:
            self.done = True
            _purge_now()


def _purge_now():
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
    from wagtail.models import Site

    # Wagtail keeps these in the cache: no query.
    roots = {root.root_url + "/" for root in Site.get_site_root_paths()}
    purge_urls_from_cache(sorted(roots) or ["/"])


def on_content_changed(sender, instance=None):
    """A published page, a setting, a snippet the pages show, a catalogue item or a public case changed."""
    # Purges run even with the page cache off: short links cache their targets under the same generation.
    if _purges(sender) and (instance is None or _shown(sender, instance)):
        purge_site()


def _purges(model):
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page

    if issubclass(model, (Page, BaseSiteSetting, BaseGenericSetting)):
        return True
    return model._meta.label in settings.PAGE_CACHE_PURGE_MODELS


def _shown(model, instance):
    """A row the public pages never show (a complaint that has no public case page) changes nothing."""
    flag = settings.PAGE_CACHE_PURGE_MODELS.get(model._meta.label)
    return flag is None or bool(getattr(instance, flag, True))


def register_signal_handlers():
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal, uid in ((page_published, "published"), (page_unpublished, "unpublished"), (post_page_move, "moved")):
        signal.connect(_on_page_signal, dispatch_uid=f"pagecache_{uid}")
    # Every model's saves and deletes, filtered by _purges: snippets and settings are registered after ready().
    post_save.connect(_on_model_signal, dispatch_uid="pagecache_saved")
    post_delete.connect(_on_model_signal, dispatch_uid="pagecache_deleted")


def _on_page_signal(sender, **kwargs):
    purge_site()


def _on_model_signal(sender, instance, **kwargs):
    from wagtail.models import Page

    # A page's draft is saved on every edit: publishing, unpublishing and moving have their own signals above.
    if kwargs.get("raw") or (isinstance(instance, Page) and "created" in kwargs):
        return
    on_content_changed(sender, instance)
