"""Four-eyes review: warning cases and policy explainers go live only after another person approves them."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, PagePermissionTester


def _author_ids(obj):
    """Who submitted the object and who wrote its latest revision: none of them may approve it."""
    state = obj.current_workflow_state
    ids = {state.requested_by_id} if state else set()
    revision = obj.latest_revision
    if revision is not None and revision.user_id:
        ids.add(revision.user_id)
    return ids


class ReviewTask(AbstractGroupApprovalTask):
    """A group approval that the author of the page can never approve, whatever groups they belong to."""

    def get_actions(self, obj, user):
        if user.pk in _author_ids(obj):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if user.pk in _author_ids(task_state.revision.content_object):
            raise PermissionDenied(_("You cannot review a page you wrote or submitted."))
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user).exclude(revision__user=user)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve; the author of the page cannot.")

    class Meta:
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")


class ReviewedPagePermissionTester(PagePermissionTester):
    """Only a reviewer of the page's workflow who did not write the page may publish it (approving publishes)."""

    def can_publish(self):
        if not self.user.is_active or self.page_is_root or self.user.pk in _author_ids(self.page):
            return False
        if self.user.is_superuser:
            return True
        workflow = self.page.get_workflow()
        if workflow is None:
            return False
        reviewer_groups = ReviewTask.objects.filter(workflow_tasks__workflow=workflow, active=True).values("groups")
        return self.user.groups.filter(pk__in=reviewer_groups).exists()

    def can_publish_subpage(self):
        return False
