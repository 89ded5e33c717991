"""The page admin for reviewed page types: the create view submits instead of publishing, copies stay drafts.

Wagtail's create view asks the *parent* page whether the user may publish a subpage (`can_publish_subpage`), never
the new page's own rule, so an editor who may publish articles in a section was offered "Publish" for a warning case
too. These views ask the page type instead; the models refuse an unreviewed publish whatever a view does.
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.action_menu import PublishMenuItem, SubmitForModerationMenuItem
from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.views.pages.copy import CopyView
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.viewsets.pages import PageViewSet


class SubmitForReviewMenuItem(SubmitForModerationMenuItem):
    """Wagtail's "submit" item, shown on the create view of a page type whose workflow is assigned to the type."""

    def __init__(self, workflow, **kwargs):
        super().__init__(**kwargs)
        self.workflow = workflow

    def is_shown(self, context):
        return True

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["label"] = _("Submit to %(workflow_name)s") % {"workflow_name": self.workflow.name}
        return context


class ReviewedCreateView(CreateView):
    """Creating a reviewed page saves a draft or submits it for review; it never publishes."""

    @cached_property
    def workflow(self):
        return self.parent_page.get_workflow() or self.page_class.get_default_workflow()

    @cached_property
    def action_name_and_method(self):
        if self.request.POST.get("action-submit") and self.workflow is not None:
            return ("submit", self.submit_action)
        return ("save", self.save_action)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        menu = context["action_menu"]
        items = [item for item in [menu.default_item, *menu.menu_items] if item is not None]
        items = [item for item in items if not isinstance(item, PublishMenuItem)]
        if self.workflow is not None and not any(isinstance(item, SubmitForModerationMenuItem) for item in items):
            items.append(SubmitForReviewMenuItem(self.workflow, order=60))
        menu.default_item, menu.menu_items = (items[0], items[1:]) if items else (None, [])
        return context


class ReviewedCopyForm(CopyForm):
    """A copy of a reviewed page is a new draft: it can be neither published nor an alias without a review."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("publish_copies", None)
        self.fields.pop("alias", None)


class ReviewedCopyView(CopyView):
    def get_form_class(self):
        return ReviewedCopyForm


class ReviewedPageViewSet(PageViewSet):
    add_view_class = ReviewedCreateView
    copy_view_class = ReviewedCopyView
