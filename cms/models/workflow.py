"""Four-eyes review: warning cases and policy explainers go live only after another person approves them.

The rule is written once, here, as "which revision may go live": a revision of a reviewed page may go live only if a
review task of a finished workflow approved it, and the approver is none of its authors. The authors of a review are
the person who submitted it and everyone who saved a revision of the page between the previous approval and the
start of the review; revisions saved while the review runs (the one Wagtail saves when a reviewer clicks
"approve and publish" in the editor) do not make their writer an author.

Where it is enforced:
- `ContentPage.publish` (every `Revision.publish`: the create view, workflow approval, bulk publish, scheduled
  publishing, commands) refuses a revision without an approval, and `ContentPage.save` refuses to make a reviewed
  page live, or change its live revision, to anything unapproved (Wagtail's edit view and copy publish without
  passing through `publish`);
- `ReviewedPagePermissionTester` says nobody may publish a reviewed page directly, so no view offers the button;
- `ReviewTask` refuses an author's approval, and the admin's create view for reviewed types (cms.admin_views) offers
  submission instead of publishing.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, PagePermissionTester, Revision, TaskState, WorkflowState


class ReviewRequired(PermissionDenied):
    """A reviewed page was about to go live with content no eligible reviewer approved."""

    def __init__(self, page=None):
        super().__init__(_("This page goes live only after a reviewer who did not write it approves it."))
        self.page = page


def _page_task_states(page_ids):
    return TaskState.objects.filter(
        workflow_state__base_content_type__app_label="wagtailcore",
        workflow_state__base_content_type__model="page",
        workflow_state__object_id__in=[str(pk) for pk in page_ids],
    )


def _page_revisions(page_ids):
    return Revision.objects.filter(
        base_content_type__app_label="wagtailcore",
        base_content_type__model="page",
        object_id__in=[str(pk) for pk in page_ids],
    )


def authors_of_reviews(task_states):
    """{task state pk: ids of who wrote or submitted what it reviews}, in two queries for any number of states."""
    page_ids = {state.workflow_state.object_id for state in task_states}
    approvals = {}
    for page_id, finished_at in (
        _page_task_states(page_ids)
        .filter(status=TaskState.STATUS_APPROVED)
        .values_list("workflow_state__object_id", "finished_at")
    ):
        approvals.setdefault(page_id, []).append(finished_at)
    revisions = {}
    for page_id, created_at, user_id in (
        _page_revisions(page_ids).filter(user__isnull=False).values_list("object_id", "created_at", "user_id")
    ):
        revisions.setdefault(page_id, []).append((created_at, user_id))
    authors = {}
    for state in task_states:
        page_id = state.workflow_state.object_id
        # The content under review began after the page's previous approval: what that approved is not theirs now.
        since = max((t for t in approvals.get(page_id, []) if t and t < state.started_at), default=None)
        ids = {
            user_id
            for created_at, user_id in revisions.get(page_id, [])
            if created_at <= state.started_at and (since is None or created_at > since)
        }
        if state.workflow_state.requested_by_id:
            ids.add(state.workflow_state.requested_by_id)
        authors[state.pk] = ids
    return authors


def review_authors(task_state):
    """Who wrote or submitted the content a review task looks at: none of them may approve or reject it."""
    return authors_of_reviews([task_state])[task_state.pk]


def approval_of(revision):
    """The finished review that approved this revision (or the revision its approver saved), else None."""
    if revision is None or revision.pk is None:
        return None
    candidates = (
        _page_task_states([revision.object_id])
        .filter(
            status=TaskState.STATUS_APPROVED,
            workflow_state__status=WorkflowState.STATUS_APPROVED,
            task__reviewtask__isnull=False,
            finished_by__isnull=False,
            revision__created_at__lte=revision.created_at,
            finished_at__gte=revision.created_at,
        )
        .select_related("workflow_state")
        .order_by("-finished_at")
    )
    candidates = list(candidates)
    authors = authors_of_reviews(candidates)
    return next((state for state in candidates if state.finished_by_id not in authors[state.pk]), None)


def ensure_approved(page, revision):
    """Raise ReviewRequired unless `revision`, a revision of `page`, was approved by an eligible reviewer."""
    if revision is None or str(revision.object_id) != str(page.pk) or approval_of(revision) is None:
        raise ReviewRequired(page)


def ensure_live_content_approved(page):
    """Called before a reviewed page is saved live: its live revision must be approved, if it changes."""
    before = None
    if page.pk is not None:
        before = type(page).objects.filter(pk=page.pk).values_list("live", "live_revision_id").first()
    if before == (True, page.live_revision_id):
        return  # what is live does not change (a move, a lock, a title in the tree)
    revision = page.live_revision if page.live_revision_id else None
    ensure_approved(page, revision)


class ReviewTask(AbstractGroupApprovalTask):
    """A group approval that the authors of the page under review can never approve, whatever groups they are in."""

    def get_actions(self, obj, user):
        state = obj.current_workflow_task_state
        if state is not None and user.pk in review_authors(state):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if user.pk in review_authors(task_state):
            raise PermissionDenied(_("You cannot review a page you wrote or submitted."))
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        waiting = list(states.exclude(workflow_state__requested_by=user).select_related("workflow_state"))
        authors = authors_of_reviews(waiting)
        return states.filter(pk__in=[state.pk for state in waiting if user.pk not in authors[state.pk]])

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve; the author of the page cannot.")

    class Meta:
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")


class ReviewedPagePermissionTester(PagePermissionTester):
    """Nobody publishes a reviewed page directly: it goes live when a reviewer who did not write it approves it."""

    def can_publish(self):
        return False

    def can_publish_subpage(self):
        return False
