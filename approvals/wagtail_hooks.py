from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from approvals import dashboard, permissions, rating_admin
from approvals.viewsets import CatalogueGroup
from core import events
from core.admin_menu import PermittedMenuItem


@hooks.register("register_admin_urls")
def register_approval_urls():
    return [path("approvals/", include("approvals.admin_urls", namespace="approvals_admin"))]


@hooks.register("register_admin_menu_item")
def register_work_queue_menu_item():
    return PermittedMenuItem(
        _("Online approval"),
        reverse("approvals_admin:queue"),
        name="approvals",
        icon_name="tasks",
        order=200,
        test=permissions.is_staff_user,
    )


@hooks.register("construct_homepage_panels")
def add_work_panels(request, panels):
    panels.extend(dashboard.panels_for(request.user))
    panels.extend(rating_admin.panels_for(request.user))


@hooks.register("register_admin_viewset")
def register_catalogue():
    return CatalogueGroup()


# Supervision's timeline links this platform's cases back here.
events.register_subjects("approvals.application", "approvals_admin:detail")
