from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cms import dashboard
from cms.services import record_read
from cms.viewsets import EducationSnippetGroup


@hooks.register("before_serve_page")
def record_cadre_read(page, request, serve_args, serve_kwargs):
    record_read(request.user, page)


@hooks.register("construct_homepage_panels")
def add_work_panels(request, panels):
    panels.extend(dashboard.panels_for(request.user))


register_snippet(EducationSnippetGroup)
