"""Stages, their supervised clocks, and the event row every change writes and publishes to supervision.

A stage is the time a complaint spends in one status that has a limit in working days
(settings.COMPLAINTS_STAGE_WORKING_DAYS); its clock is started, stopped and labelled here. ``record`` adds the
facts supervision's rules read (core.events) to every event, never who the reporter is.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.utils import timezone, translation

from complaints.models import Complaint, ComplaintEvent, Stage, Status
from complaints.services.texts import SMS_LANGUAGE
from core import events, workdays


def _due_at(start, status):
    days = settings.COMPLAINTS_STAGE_WORKING_DAYS.get(status)
    if days is None:
        return None
    local = timezone.localtime(start)
    day = workdays.add_working_days(local.date(), days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def start_stage(complaint: Complaint, status: str, now: datetime.datetime | None = None) -> Stage | None:
    """The new stage of ``status``, or None for a status without a time limit."""
    now = now or timezone.now()
    due_at = _due_at(now, status)
    if due_at is None:
        return None
    return Stage.objects.create(complaint=complaint, status=status, started_at=now, due_at=due_at)


def stop_open_stages(complaint: Complaint, now: datetime.datetime) -> list[events.Clock]:
    clocks = []
    for stage in complaint.stages.filter(ended_at__isnull=True):
        stage.ended_at = now
        stage.save(update_fields=["ended_at"])
        clocks.append(events.Clock(key=stage.clock_key, action=events.ClockAction.STOP))
    return clocks


def _label(complaint, stage):
    return f"{Status(stage.status).label} · {complaint.get_category_display()} · {complaint.reference}"


def clock_start(complaint: Complaint, stage: Stage) -> events.Clock:
    with translation.override(SMS_LANGUAGE):
        label = _label(complaint, stage)
    handler = complaint.investigators.order_by("pk").first() if complaint.pk else None
    return events.Clock(
        key=stage.clock_key,
        action=events.ClockAction.START,
        due_at=stage.due_at,
        label=label,
        department_id=complaint.handling_department_id,
        handler_id=handler.pk if handler else None,
        policy=_item(complaint),
    )


def _item(complaint):
    return f"complaints.category:{complaint.category}"


def _actor_department_id(user):
    cadre = getattr(user, "cadre", None) if user is not None else None
    return cadre.department_id if cadre is not None else None


def record(
    complaint: Complaint,
    kind: str,
    by: AbstractUser | None,
    from_state: str = "",
    to_state: str = "",
    payload: dict | None = None,
    clocks: list[events.Clock] | tuple[events.Clock, ...] = (),
) -> ComplaintEvent:
    """Write the event row and publish it to supervision, in the caller's transaction (core.events.record)."""
    facts = {
        "item": _item(complaint),
        "reference": complaint.reference,
        "category": complaint.category,
        "concerned_department_id": complaint.concerned_department_id,
    }
    if complaint.related_reference:
        facts["related_reference"] = complaint.related_reference
    if by is not None:
        facts["actor_department_id"] = _actor_department_id(by)
    facts.update(payload or {})
    return events.record(
        ComplaintEvent,
        source="complaints",
        subject=complaint.subject,
        kind=kind,
        by=by,
        department_id=complaint.handling_department_id,
        from_state=from_state,
        to_state=to_state,
        payload=facts,
        clocks=clocks,
        time_field="created_at",
        complaint=complaint,
    )
