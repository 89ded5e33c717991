"""The 长辈版 (large type, high contrast) boot script, the same bytes the Content-Security-Policy hashes."""

from django import template
from django.utils.safestring import mark_safe

from config.csp import ELDER_BOOT

register = template.Library()


@register.simple_tag
def elder_boot():
    return mark_safe(f"<script>{ELDER_BOOT}</script>")  # noqa: S308 - a constant of ours, no input in it
