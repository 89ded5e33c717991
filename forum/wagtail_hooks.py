from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.admin_menu import PermittedMenuItem
from forum import dashboard
from forum.services import can_moderate


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("forum/", include("forum.admin_urls", namespace="forum_moderation"))]


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return PermittedMenuItem(
        _("Forum moderation"),
        reverse("forum_moderation:queue"),
        name="forum-moderation",
        icon_name="comment",
        order=300,
        test=can_moderate,
    )


@hooks.register("construct_homepage_panels")
def add_work_panels(request, panels):
    panels.extend(dashboard.panels_for(request.user))
