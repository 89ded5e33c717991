from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy

from core.admin_menu import PermittedMenuItem
from core.admin_records import ReadOnlyPolicy
from supervision import admin_views, dashboard
from supervision.models import Alert, AuditRecord, Clock, Finding, ReceivedEvent, SupervisionCase
from supervision.viewsets import SupervisionViewSetGroup

# Registered before any view asks for these models' policy (else Wagtail has already made a default one).
for _model in (Alert, AuditRecord, Clock, Finding, ReceivedEvent, SupervisionCase):
    register_permission_policy(_model, ReadOnlyPolicy(_model))


class SupervisionMenu(SupervisionViewSetGroup):
    def get_submenu_items(self):
        pages = [
            PermittedMenuItem(
                pgettext_lazy("supervision", "Dashboard"),
                reverse_lazy("supervision_dashboard"),
                name="supervision-dashboard",
                icon_name="view",
                order=10,
                permission=admin_views.VIEW,
            ),
            PermittedMenuItem(
                _("Case timeline"),
                reverse_lazy("supervision_timeline"),
                name="supervision-timeline",
                icon_name="history",
                order=15,
                permission=admin_views.VIEW,
            ),
            PermittedMenuItem(
                _("Performance ranking"),
                reverse_lazy("supervision_performance"),
                name="supervision-performance",
                icon_name="table",
                order=20,
                permission=admin_views.VIEW,
            ),
            PermittedMenuItem(
                _("Audit trail check"),
                reverse_lazy("supervision_audit"),
                name="supervision-audit",
                icon_name="lock",
                order=30,
                permission=admin_views.AUDIT,
            ),
        ]
        return pages + super().get_submenu_items()


@hooks.register("register_admin_viewset")
def register_supervision_viewsets():
    return SupervisionMenu()


@hooks.register("register_admin_urls")
def register_supervision_urls():
    return [
        path("supervision/", admin_views.dashboard, name="supervision_dashboard"),
        path("supervision/due-today/", admin_views.due_today, name="supervision_due_today"),
        path("supervision/timeline/", admin_views.timeline, name="supervision_timeline"),
        path("supervision/audit/", admin_views.audit_check, name="supervision_audit"),
        path("supervision/performance/", admin_views.performance_report, name="supervision_performance"),
        path("supervision/case/new/", admin_views.open_case, name="supervision_case_open"),
        path("supervision/case/<int:pk>/", admin_views.case_detail, name="supervision_case_detail"),
        path("supervision/finding/<int:pk>/dismiss/", admin_views.dismiss_finding, name="supervision_finding_dismiss"),
    ]


class SupervisionPanel(Component):
    """The live counts on the admin home page, for those who may see them."""

    name = "supervision"
    order = 90
    template_name = "supervision/admin/home_panel.html"

    def get_context_data(self, parent_context):
        return {"tiles": admin_views.tiles(admin_views.live_counts()), "url": reverse_lazy("supervision_dashboard")}


@hooks.register("construct_homepage_panels")
def add_supervision_panel(request, panels):
    if request.user.has_perm(admin_views.VIEW):
        panels.append(SupervisionPanel())


@hooks.register("construct_homepage_panels")
def add_supervision_work_panels(request, panels):
    panels.extend(dashboard.panels_for(request.user))


hooks.register("dashboard_clock_levels", dashboard.clock_levels)
