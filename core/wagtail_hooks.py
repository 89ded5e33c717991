"""The calendar's place in the admin: 系统设置 → 节假日安排, and the warn-ahead banner on the dashboard."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import holiday_admin
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
