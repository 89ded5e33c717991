from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cms import dashboard
from cms.admin_views import ReviewedPageViewSet
from cms.services import REVIEWED_PAGE_TYPES, record_read
from cms.viewsets import EducationSnippetGroup


@hooks.register("before_serve_page")
def record_cadre_read(page, request, serve_args, serve_kwargs):
    record_read(request.user, page)


# Wagtail's own "Awaiting your review" (等待你的审查) panel lists the same pages as our review panel, which adds the
# submitter, the time and the scheduled dates: a reviewer who gets ours sees one list, not two.
WAGTAIL_REVIEW_PANEL = "workflow_objects_to_moderate"


@hooks.register("construct_homepage_panels")
def add_work_panels(request, panels):
    ours = dashboard.panels_for(request.user)
    if any(panel.name == dashboard.REVIEW_PANEL for panel in ours):
        panels[:] = [panel for panel in panels if getattr(panel, "name", None) != WAGTAIL_REVIEW_PANEL]
    panels.extend(ours)


@hooks.register("register_admin_viewset")
def register_reviewed_page_viewsets():
    # The admin's create and copy views of the reviewed page types never publish.
    return [ReviewedPageViewSet(f"reviewed_{model._meta.model_name}", model=model) for model in REVIEWED_PAGE_TYPES]


register_snippet(EducationSnippetGroup)
