from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks

from core.admin_menu import PermittedMenuItem
from study import admin_views
from study.viewsets import PointsRuleViewSet, StudyTaskViewSet


@hooks.register("register_admin_viewset")
def register_points_rules():
    return PointsRuleViewSet("points_rules")


@hooks.register("register_admin_viewset")
def register_study_tasks():
    return StudyTaskViewSet()


@hooks.register("register_admin_urls")
def register_study_admin_urls():
    return [path("study/", include((admin_views.admin_urls(), "study_admin"), namespace="study_admin"))]


@hooks.register("register_reports_menu_item")
def register_study_menu():
    return PermittedMenuItem(
        gettext_lazy("Study record by department"),
        reverse("study_admin:study_record"),
        icon_name="table",
        order=710,
        permission=admin_views.RECORD_PERMISSION,
    )
