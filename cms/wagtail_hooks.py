from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cms import dashboard
from cms.admin_views import ReviewedPageViewSet
from cms.services import REVIEWED_PAGE_TYPES, record_read
from cms.viewsets import EducationSnippetGroup


@hooks.register("before_serve_page")
def record_cadre_read(page, request, serve_args, serve_kwargs):
    record_read(request.user, page)


@hooks.register("construct_homepage_panels")
def add_work_panels(request, panels):
    panels.extend(dashboard.panels_for(request.user))


@hooks.register("register_admin_viewset")
def register_reviewed_page_viewsets():
    # The admin's create and copy views of the reviewed page types never publish.
    return [ReviewedPageViewSet(f"reviewed_{model._meta.model_name}", model=model) for model in REVIEWED_PAGE_TYPES]


register_snippet(EducationSnippetGroup)
