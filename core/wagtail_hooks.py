"""The calendar's place in the admin: 系统设置 → 节假日安排, and the warn-ahead banner on the dashboard."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from core import calendar, holiday_admin
from core.admin_menu import PermittedMenuItem


@hooks.register("register_admin_urls")
def register_holiday_urls():
    return [
        path("holidays/", holiday_admin.index, name="core_holidays"),
        path("holidays/<int:year>/", holiday_admin.year_view, name="core_holidays_year"),
    ]


@hooks.register("register_settings_menu_item")
def register_holiday_menu_item():
    return PermittedMenuItem(
        _("Holiday schedule"),
        reverse("core_holidays"),
        name="holiday-schedule",
        icon_name="date",
        order=900,
        permission=holiday_admin.MANAGE,
    )


class CalendarWarningPanel(Component):
    """From 1 November until next year's schedule is known: a banner telling who can enter it to do so."""

    name = "calendar-warning"
    order = 10
    template_name = "core/holidays/warning_panel.html"

    def __init__(self, year, can_enter):
        self.year, self.can_enter = year, can_enter

    def get_context_data(self, parent_context):
        return {"year": self.year, "url": reverse("core_holidays_year", args=[self.year]) if self.can_enter else ""}


def may_see_calendar_warning(user) -> bool:
    return user.has_perm(holiday_admin.MANAGE) or user.has_perm("supervision.view_clock")


@hooks.register("construct_homepage_panels")
def add_calendar_warning(request, panels):
    if may_see_calendar_warning(request.user) and (year := calendar.warn_ahead_year()) is not None:
        panels.insert(0, CalendarWarningPanel(year, request.user.has_perm(holiday_admin.MANAGE)))


def _label_site_columns():
    """Wagtail's list of sites titles three columns from their attribute names (Port, Site name, Root page), in
    English whatever the language: give them the fields' translated names."""
    from django.utils.text import capfirst
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.name in {"port", "site_name", "root_page"}:
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


_label_site_columns()


@hooks.register("before_serve_page")
def note_served_page_type(page, request, serve_args, serve_kwargs):
    """The public page cache leaves out the page types that change with every visitor's activity (core/pagecache.py)."""
    request.pagecache_page_type = page._meta.label
