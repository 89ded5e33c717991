"""The footer of every public page (设置 → 网站信息), rendered once per footer version, host and language.

Reading the setting is a query on every page; the rendered footer is kept in the cache under a version that saving
the setting changes (cms/caching.py, cms/signal_handlers.py), so an edit shows at once and a publish costs nothing.
"""

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from cms import selectors
from cms.caching import footer_version

register = template.Library()


@register.simple_tag(takes_context=True)
def site_footer(context):
    request = context.get("request")
    # By host, not by site: finding the request's site is itself a query on views that are not Wagtail pages.
    host = request.get_host() if request is not None else ""
    key = f"cms:site-footer:{footer_version()}:{host}:{get_language()}"
    html = cache.get(key)
    if html is None:
        info = selectors.site_footer(request) if request is not None else None
        html = render_to_string("includes/site_footer.html", {"info": info}, request=request)
        cache.set(key, html, 3600)
    return mark_safe(html)  # noqa: S308 - our template, escaped when it was rendered
