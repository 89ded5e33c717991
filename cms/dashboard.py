"""The editorial work dashboard (core.dashboard): an editor's drafts and pages sent back for changes, and the
pages waiting for a reviewer. Each row opens the page's editor, where submitting, approving and publishing are."""

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.models import Page, TaskState, WorkflowState

from core.dashboard import LIMIT, WorkItem, WorkPanel
from directory.roles import has_role

IN_WORKFLOW = (WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES)


def edit_url(page_pk) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page_pk])


def _workflow_states(**filters):
    """A page's workflow states, for Exists(): their object_id is text, so the page's pk is cast (PostgreSQL will
    not compare varchar with integer, which a join through Page._workflow_states does)."""
    return WorkflowState.objects.filter(
        base_content_type__app_label="wagtailcore",
        base_content_type__model="page",
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        **filters,
    )


def _scheduled(page: Page) -> dict:
    """A draft scheduled to go live has that time as its deadline."""
    return (
        {"deadline": page.go_live_at, "deadline_label": pgettext("dashboard", "Goes live")} if page.go_live_at else {}
    )


def my_drafts(user) -> list[WorkItem]:
    """Pages with unpublished changes this editor owns or last edited, not in review: one query."""
    rows = (
        Page.objects.filter(has_unpublished_changes=True)
        .filter(Q(owner=user) | Q(latest_revision__user=user))
        .filter(~Exists(_workflow_states(status__in=IN_WORKFLOW)))
        .order_by("-latest_revision_created_at", "-pk")
        .distinct()[:LIMIT]
    )
    return [
        WorkItem(
            title=page.title,
            url=edit_url(page.pk),
            no_deadline=_("A draft has no deadline: submit it for review when it is ready."),
            note=pgettext("dashboard", "Never published")
            if not page.first_published_at
            else pgettext("dashboard", "Unpublished changes"),
            **_scheduled(page),
        )
        for page in rows
    ]


def changes_requested(user) -> list[WorkItem]:
    """Pages this editor submitted that a reviewer sent back: one query."""
    rows = Page.objects.filter(
        Exists(_workflow_states(status=WorkflowState.STATUS_NEEDS_CHANGES, requested_by=user))
    ).order_by("-latest_revision_created_at", "-pk")[:LIMIT]
    return [
        WorkItem(
            title=page.title,
            url=edit_url(page.pk),
            no_deadline=_("The reviewer asked for changes: edit the page and submit it again."),
            **_scheduled(page),
        )
        for page in rows
    ]


def awaiting_review(user) -> list[WorkItem]:
    """Pages whose current review task this user may act on: a query per active task type, then one for pages."""
    states = TaskState.objects.reviewable_by(user).filter(status=TaskState.STATUS_IN_PROGRESS)
    waiting = {}
    for object_id, started_at, by in states.values_list(
        "workflow_state__object_id", "started_at", "workflow_state__requested_by__first_name"
    ).order_by("started_at")[:LIMIT]:
        waiting[int(object_id)] = (started_at, by)
    pages = Page.objects.in_bulk(list(waiting))
    items = []
    for pk, (started_at, by) in waiting.items():  # oldest submission first
        if (page := pages.get(pk)) is None:
            continue
        since = timezone.localtime(started_at).strftime("%Y-%m-%d %H:%M")
        items.append(
            WorkItem(
                title=page.title,
                url=edit_url(page.pk),
                no_deadline=_("Submitted %(time)s; reviews have no set time limit.") % {"time": since},
                note=_("Submitted by %(name)s") % {"name": by or "—"},
                **_scheduled(page),
            )
        )
    return items


REVIEW_PANEL = "cms-to-review"


def panels_for(user) -> list[WorkPanel]:
    panels = []
    if user.is_superuser or has_role(user, "editor"):
        pages = reverse("wagtailadmin_explore_root")
        panels.append(
            WorkPanel(
                "cms-changes-requested",
                _("Pages with changes requested"),
                lambda: changes_requested(user),
                order=23,
                empty=_("No page was sent back to you."),
            )
        )
        panels.append(
            WorkPanel(
                "cms-my-drafts", pgettext("dashboard", "My drafts"), lambda: my_drafts(user), more_url=pages, order=24
            )
        )
    if user.is_superuser or has_role(user, "reviewer"):
        panels.append(
            WorkPanel(
                REVIEW_PANEL,
                _("Pages awaiting my review"),
                lambda: awaiting_review(user),
                order=24,
            )
        )
    return panels
