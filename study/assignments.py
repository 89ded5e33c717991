"""Study tasks (学习任务): assigning a task to departments and groups, each member's progress, completion per unit.

``assign_task`` snapshots the audience once: one ``TaskMember`` per cadre with the department they belong to at
that moment. A cadre who later changes department stays on the task, counted under the unit that was given the
task (its secretary answers for it); a cadre who joins a department later is not added. Progress is refreshed
whenever the cadre earns points (a page read, a quiz ended: ``core.points``) or watches a video (``study.video``),
and is read in bulk for a unit's page. A page counts once it was opened after the task was assigned, except a page
with a video (a culture work's video file, a video block in the body): that one counts once each of its videos was
watched for the task's share of its length (``video_percent``), by watch time since the task was assigned,
whatever the viewings; opening it earns nothing towards the task. Completing a task credits the task rule's points
once.
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.models import ContentPage, CultureWorkPage, ReadRecord
from core.points import PointSource, earn
from directory.models import Cadre, CadreGroupMembership, Department
from quizzes.models import Attempt
from study.error_codes import StudyErrorCode
from study.models import StudyTask, TaskMember, VideoWatch


def audience(task: StudyTask) -> QuerySet[Cadre]:
    """The cadres of the task's departments (with every unit below them) and of its groups."""
    return audience_of(task.departments.all(), task.groups.all())


def audience_of(departments, groups) -> QuerySet[Cadre]:
    """The cadres of these departments (with every unit below them) and of these groups."""
    include = []
    paths = [d.path for d in departments]
    if paths:
        units = Department.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))
        include.append(Q(department__in=units))
    groups = [g.pk for g in groups]
    if groups:
        include.append(Q(pk__in=CadreGroupMembership.objects.filter(group__in=groups).values("cadre")))
    if not include:
        return Cadre.objects.none()
    return Cadre.objects.filter(reduce(or_, include)).order_by("pk")


def own_units(user) -> QuerySet[Department]:
    """The units a user answers for: their cadre's department and every unit below it (none if not a cadre)."""
    cadre = Cadre.objects.filter(user=user).select_related("department").first() if user.is_authenticated else None
    return Department.objects.subtree(cadre.department) if cadre else Department.objects.none()


def validate_task(task: StudyTask, now: datetime.datetime | None = None) -> None:
    """Refuse a task that cannot be done: deadline passed, nothing to study, nobody to study it."""
    now = now or timezone.now()
    errors = {}
    if task.deadline and task.deadline <= now:
        errors["deadline"] = ValidationError(
            _("The deadline must be in the future."), code=StudyErrorCode.DEADLINE_PASSED
        )
    if task.pk and not task.quiz_id and not task.pages.exists():
        errors["pages"] = ValidationError(_("Choose pages or a quiz to study."), code=StudyErrorCode.NOTHING_TO_STUDY)
    if task.pk and not audience(task).exists():
        errors["departments"] = ValidationError(
            _("The chosen departments and groups have no cadres."), code=StudyErrorCode.EMPTY_AUDIENCE
        )
    if errors:
        raise ValidationError(errors)


def assign_task(task: StudyTask, *, by=None, now: datetime.datetime | None = None) -> int:
    """Give the task to its audience once, each member with their department now; returns how many members."""
    validate_task(task, now)
    with transaction.atomic():
        task = StudyTask.objects.select_for_update().get(pk=task.pk)
        if task.members.exists():
            raise ValidationError(_("This task has already been assigned."), code=StudyErrorCode.ALREADY_ASSIGNED)
        rows = [
            TaskMember(task=task, cadre_id=pk, department_id=department_id)
            for pk, department_id in audience(task).values_list("pk", "department_id")
        ]
        TaskMember.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def refresh_progress(task: StudyTask, cadre_ids: list[int] | None = None, now: datetime.datetime | None = None) -> int:
    """Recount pages studied and the best quiz score of the task's members (or of these cadres); mark those done
    and credit the task's points. Returns how many completed now."""
    now = now or timezone.now()
    members = task.members.filter(completed_at__isnull=True)
    if cadre_ids is not None:
        members = members.filter(cadre_id__in=cadre_ids)
    members = list(members)
    if not members:
        return 0
    ids = [m.cadre_id for m in members]
    page_ids = list(task.pages.values_list("pk", flat=True))
    studied = pages_studied(task, ids, page_ids)
    scores = {}
    if task.quiz_id:
        scores = dict(
            Attempt.objects.filter(quiz_id=task.quiz_id, cadre_id__in=ids, ended_at__gte=task.created_at)
            .values("cadre_id")
            .annotate(best=Max("score"))
            .values_list("cadre_id", "best")
        )
    done = 0
    for member in members:
        member.pages_done = len(studied.get(member.cadre_id, ()))
        member.best_score = scores.get(member.cadre_id)
        passed = not task.quiz_id or (member.best_score or 0) >= task.pass_mark
        if member.pages_done >= len(page_ids) and passed and now <= task.deadline:
            member.completed_at = now
            done += 1
    with transaction.atomic():
        TaskMember.objects.bulk_update(members, ["pages_done", "best_score", "completed_at"])
        for member in members:
            if member.completed_at:
                earn(
                    source=PointSource.TASK,
                    key=f"task:{task.pk}",
                    cadre_id=member.cadre_id,
                    day=timezone.localdate(now),
                    at=now,
                )
    return done


def page_videos(page_ids) -> dict[int, set[int]]:
    """The self-hosted videos (document ids) of these pages, by page: a culture work's video file and the video
    blocks of a page's body. Pages without one are left out."""
    videos: dict[int, set[int]] = {}
    for pk, video_id in CultureWorkPage.objects.filter(pk__in=page_ids, video__isnull=False).values_list(
        "pk", "video_id"
    ):
        videos.setdefault(pk, set()).add(video_id)
    for pk, body in ContentPage.objects.filter(pk__in=page_ids).values_list("pk", "body"):
        for block in getattr(body, "raw_data", None) or []:
            value = block.get("value") if isinstance(block, dict) else None
            if block.get("type") == "video" and isinstance(value, dict) and isinstance(value.get("video"), int):
                videos.setdefault(pk, set()).add(value["video"])
    return videos


def pages_studied(task: StudyTask, cadre_ids: list[int], page_ids: list[int]) -> dict[int, set[int]]:
    """The task's pages each of these cadres has studied since it was assigned: a page opened, a video page
    watched for the task's share of each of its videos."""
    videos = page_videos(page_ids)
    since = timezone.localdate(task.created_at)
    studied: dict[int, set[int]] = {}
    reads = ReadRecord.objects.filter(
        cadre_id__in=cadre_ids, page_id__in=[pk for pk in page_ids if pk not in videos], day__gte=since
    )
    for cadre_id, page_id in reads.values_list("cadre_id", "page_id").distinct():
        studied.setdefault(cadre_id, set()).add(page_id)
    if videos:
        watched = set()
        rows = (
            VideoWatch.objects.filter(
                cadre_id__in=cadre_ids,
                video_id__in={v for vs in videos.values() for v in vs},
                started_at__gte=task.created_at,
            )
            .values("cadre_id", "video_id")
            .annotate(seconds=Sum("credited_seconds"), length=Max("video_seconds"))
        )
        for row in rows:
            if min(row["seconds"], row["length"]) >= row["length"] * task.video_percent / 100:
                watched.add((row["cadre_id"], row["video_id"]))
        for cadre_id in cadre_ids:
            for page_id, page_video_ids in videos.items():
                if all((cadre_id, v) in watched for v in page_video_ids):
                    studied.setdefault(cadre_id, set()).add(page_id)
    return studied


def on_activity(cadre_id: int, now: datetime.datetime | None = None) -> None:
    """The cadre studied: refresh their open tasks (called by the ledger's receiver)."""
    now = now or timezone.now()
    open_tasks = StudyTask.objects.filter(
        members__cadre_id=cadre_id, members__completed_at__isnull=True, deadline__gt=now
    ).distinct()
    for task in open_tasks:
        refresh_progress(task, [cadre_id], now)


# What a task's page needs for its title and URL (``Page.get_url``): not the rest of the page's row.
TASK_PAGE_FIELDS = ("id", "title", "url_path", "path", "depth", "locale_id", "live", "slug")


def my_tasks(cadre: Cadre) -> list[TaskMember]:
    """The cadre's tasks, open ones first by deadline, with the task and its page count."""
    members = list(
        TaskMember.objects.filter(cadre=cadre)
        .select_related("task", "task__quiz")
        .prefetch_related(Prefetch("task__pages", queryset=Page.objects.only(*TASK_PAGE_FIELDS)))
        .order_by("completed_at", "task__deadline")
    )
    for member in members:
        member.page_count = len(member.task.pages.all())  # prefetched: no count joined and grouped
    return members


def completion(task: StudyTask, departments: QuerySet[Department] | None = None) -> list[TaskMember]:
    """完成情况: every member (of these departments, by the department they were assigned in), with progress."""
    members = task.members.select_related("cadre", "department")
    if departments is not None:
        members = members.filter(department__in=departments)
    return list(members.order_by("department__path", "completed_at", "cadre__name"))


def completion_rows(task: StudyTask, departments: QuerySet[Department] | None = None) -> QuerySet:
    """完成情况 as plain rows for a page or a spreadsheet of thousands: (department, name, post, pages studied, best
    score, completed at), in the order of ``completion``. A query: slice it for a page, list it for a spreadsheet."""
    return (
        _members_of(task, departments)
        .order_by("department__path", "completed_at", "cadre__name")
        .values_list("department__name", "cadre__name", "cadre__post", "pages_done", "best_score", "completed_at")
    )


def completion_by_department(task: StudyTask, departments: QuerySet[Department] | None = None) -> list[dict]:
    """完成情况 in numbers, per department the members were assigned in: name, members, done and not done (one
    grouped query)."""
    units = list(
        _members_of(task, departments)
        .values("department")
        .annotate(
            name=Min("department__name"), path=Min("department__path"), members=Count("pk"), done=Count("completed_at")
        )
        .order_by("path")
    )
    for unit in units:
        unit["not_done"] = unit["members"] - unit["done"]
    return units


def _members_of(task: StudyTask, departments: QuerySet[Department] | None) -> QuerySet[TaskMember]:
    members = task.members.all()
    if departments is not None:
        members = members.filter(department__in=departments)
    return members
