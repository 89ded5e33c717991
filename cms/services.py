from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_supported_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, PolicyExplainerPage, ReviewTask, WarningCasePage
from core.points import PointSource, earn

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import Workflow, WorkflowState

logger = logging.getLogger(__name__)

REVIEW_WORKFLOW_NAME = "审核发布"
REVIEW_TASK_NAME = "审核员审核"
REVIEWED_PAGE_TYPES = (WarningCasePage, PolicyExplainerPage)
# Page permissions per role on the whole site tree; reviewed page types refuse direct publishing whatever these say.
PAGE_PERMISSIONS = {"editor": ("add_page", "change_page", "publish_page"), "reviewer": ("change_page",)}
# Image and document permissions on the root collection.
COLLECTION_PERMISSIONS = {
    "editor": ("add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"),
    "reviewer": ("choose_image", "choose_document"),
}

HOME_TITLE = "清风"
HOME_INTRO = "清河市纪委监委廉政建设平台：网上审批、电子监察、网络投诉、网络教育。"


def ensure_home_page(using: str | None = None) -> HomePage:
    """Make our HomePage the default site's root, creating root, locale and site if missing. Idempotent."""
    with transaction.atomic(using=using):
        return _ensure_home_page()


def _ensure_home_page():
    Locale.objects.get_or_create(language_code=get_supported_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's own migration leaves a plain "Welcome" page at slug "home"; ours replaces it.
        for page in root.get_children().filter(slug="home"):
            if page.specific_class is Page:
                page.delete()
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=HOME_TITLE)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or HOME_TITLE
        site.save()
    ensure_editorial_setup(home)
    return home


@transaction.atomic
def ensure_editorial_setup(home: HomePage) -> Workflow:
    """The review workflow on warning cases and policy explainers, and the editors' and reviewers' permissions.

    Idempotent, and only adds: an administrator's later changes to the groups or the workflow are kept.
    """
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Workflow,
        WorkflowContentType,
        WorkflowTask,
    )

    from directory.roles import role_group, sync_roles

    sync_roles()
    reviewers = role_group("reviewer")
    task = ReviewTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = ReviewTask.objects.create(name=REVIEW_TASK_NAME)
        task.groups.add(reviewers)
    workflow, _created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for model in REVIEWED_PAGE_TYPES:
        content_type = ContentType.objects.get_for_model(model)
        WorkflowContentType.objects.get_or_create(content_type=content_type, defaults={"workflow": workflow})

    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for code, codenames in PAGE_PERMISSIONS.items():
        group = role_group(code)
        for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    for code, codenames in COLLECTION_PERMISSIONS.items():
        group = role_group(code)
        for permission in Permission.objects.filter(codename__in=codenames):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
    return workflow


def submit_for_review(page: Page, *, by: AbstractBaseUser) -> WorkflowState:
    """Submit the page's latest revision to its review workflow, as the admin's "submit for moderation" does."""
    workflow = page.get_workflow()
    if workflow is None:
        raise ValueError(f"{page!r} has no review workflow")
    return workflow.start(page, by)


@transaction.atomic
def approve_review(page: Page, *, by: AbstractBaseUser, comment: str = "") -> None:
    """Approve the review the page waits in, as its reviewer; the last approval publishes it.

    Raises PermissionDenied if `by` wrote or submitted the page, or may not review it.
    """
    from django.core.exceptions import PermissionDenied

    state = page.current_workflow_task_state
    if state is None:
        raise ValueError(f"{page!r} is not waiting for review")
    task = state.task.specific
    if "approve" not in [name for name, _label, _modal in task.get_actions(page, by)]:
        raise PermissionDenied
    task.on_action(state, by, "approve", comment=comment)


def withdraw_unapproved_schedules() -> int:
    """Clear the go-live time of reviewed pages' revisions that no reviewer approved; returns how many.

    Only an approved publish sets one, so this finds rows written around the admin. Scheduled publishing runs it
    first: one such row would otherwise stop Wagtail's command, and every page after it, at each run.
    """
    from wagtail.models import Revision

    from cms.models.workflow import approval_of

    withdrawn = 0
    scheduled = Revision.objects.filter(approved_go_live_at__isnull=False, content_type__app_label="cms")
    for revision in scheduled.select_related("content_type"):
        model = revision.content_type.model_class()
        if model in REVIEWED_PAGE_TYPES and approval_of(revision) is None:
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
            logger.warning("Unapproved go-live withdrawn: revision %s", revision.pk)
            withdrawn += 1
    return withdrawn


def record_read(user: AbstractBaseUser | AnonymousUser, page: Page, today: datetime.date | None = None) -> bool:
    """Record that a logged-in cadre opened a content page: once per cadre, page and day; nothing for others."""
    from cms.models import ContentPage, ReadRecord
    from directory.models import Cadre

    if not user.is_authenticated or not isinstance(page, ContentPage):
        return False
    cadre_id = Cadre.objects.filter(user=user).values_list("pk", flat=True).first()
    if cadre_id is None:
        return False
    day = today or timezone.localdate()
    # ignore_conflicts: the unique constraint, not a read-then-write, makes two tabs opening at once safe.
    ReadRecord.objects.bulk_create([ReadRecord(cadre_id=cadre_id, page_id=page.pk, day=day)], ignore_conflicts=True)
    # The study ledger credits one read per page and day (its key), within the reading rule's daily cap.
    earn(source=PointSource.READING, key=f"page:{page.pk}:{day.isoformat()}", cadre_id=cadre_id, day=day)
    return True
