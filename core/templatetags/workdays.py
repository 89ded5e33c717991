"""{{ deadline|provisional_mark }}: 暂定 beside a deadline counted without an official holiday schedule."""

from django import template
from django.utils.html import format_html
from django.utils.translation import pgettext

from core.workdays import is_provisional

register = template.Library()


@register.filter
def provisional_mark(moment):
    if not is_provisional(moment):
        return ""
    return format_html(
        ' <span class="provisional" title="{}">{}</span>',
        pgettext(
            "deadline",
            "Counted before the year's official holiday schedule was entered: it may still move.",
        ),
        pgettext("deadline", "Provisional"),
    )
