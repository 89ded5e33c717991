"""{{ deadline|provisional_mark }}: 暂定 beside a deadline counted without an official holiday schedule."""

from django import template
from django.urls import reverse
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


@register.inclusion_tag("core/holidays/warning_panel.html", takes_context=True)
def calendar_warning(context):
    """The warn-ahead banner, for a dashboard of its own (the admin home page has it as a panel)."""
    from core.calendar import warn_ahead_year
    from core.holiday_admin import MANAGE

    user = context["request"].user
    year = warn_ahead_year()
    if year is None:
        return {"year": None}
    url = reverse("core_holidays_year", args=[year]) if user.has_perm(MANAGE) else ""
    return {"year": year, "url": url}
