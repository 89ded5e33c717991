from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from complaints import admin_views, dashboard, services
from core import events
from core.admin_menu import PermittedMenuItem


@hooks.register("register_admin_urls")
def register_complaint_urls():
    return [path("complaints/", include("complaints.admin_urls", namespace="complaints_admin"))]


complaints_menu = Menu(register_hook_name="register_complaints_menu_item", construct_hook_name=None)


@hooks.register("register_complaints_menu_item")
def queue_item():
    return PermittedMenuItem(
        _("Complaints"), reverse("complaints_admin:list"), icon_name="warning", order=100, test=services.can_view
    )


@hooks.register("register_complaints_menu_item")
def reveals_item():
    return PermittedMenuItem(
        _("Identity reveals"),
        reverse("complaints_admin:reveals"),
        icon_name="view",
        order=200,
        test=admin_views.can_view_reveals,
    )


@hooks.register("register_complaints_menu_item")
def statistics_item():
    return PermittedMenuItem(
        _("Statistics"),
        reverse("complaints_admin:statistics"),
        icon_name="table",
        order=300,
        test=admin_views.can_view_statistics,
    )


class _ComplaintsMenu(SubmenuMenuItem):
    def is_shown(self, request):
        return services.can_view(request.user) or admin_views.can_view_reveals(request.user)


@hooks.register("register_admin_menu_item")
def complaints_menu_item():
    return _ComplaintsMenu(_("Online complaints"), complaints_menu, icon_name="warning", order=450)


@hooks.register("construct_homepage_panels")
def add_work_panels(request, panels):
    panels.extend(dashboard.panels_for(request.user))


# Supervision's timeline links this platform's cases back here.
events.register_subjects("complaints.complaint", "complaints_admin:detail")
