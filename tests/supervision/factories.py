"""Synthetic domain events that follow the vocabulary of core/events.py, as approvals and complaints publish them."""

import datetime
import itertools
from zoneinfo import ZoneInfo

from core import events
from core.events import Clock, ClockAction, DomainEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ids = itertools.count(1)


def at(year=2026, month=11, day=24, hour=10, minute=0, second=0):
    """A moment in Shanghai time (24 Nov 2026 is a Tuesday, a working day)."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def make_event(
    kind,
    *,
    subject="approvals.application:1",
    source="approvals",
    id=None,
    occurred_at=None,
    payload=None,
    clocks=(),
    actor_id=None,
    actor_name="",
    department_id=None,
    item="approvals.item:1",
    **fields,
):
    data = {"item": item, "reference": "QF20261124001"}
    data.update(payload or {})
    return DomainEvent(
        source=source,
        id=id if id is not None else next(_ids),
        kind=kind,
        occurred_at=occurred_at or at(),
        subject=subject,
        actor_id=actor_id,
        actor_name=actor_name,
        department_id=department_id,
        payload=data,
        clocks=tuple(clocks),
        **fields,
    )


def start(
    key, due_at, *, department_id=None, handler_id=None, policy="approvals.item:1", label="实质审查 · 食品经营许可"
):
    return Clock(
        key=key,
        action=ClockAction.START,
        due_at=due_at,
        label=label,
        department_id=department_id,
        handler_id=handler_id,
        policy=policy,
    )


def pause(key):
    return Clock(key=key, action=ClockAction.PAUSE)


def resume(key, due_at):
    return Clock(key=key, action=ClockAction.RESUME, due_at=due_at)


def stop(key):
    return Clock(key=key, action=ClockAction.STOP)


def publish(event):
    events.publish(event)
    return event


def make_clock(key, due_at, *, level="", state="running", label="", department=None):
    """A supervision clock as the engine leaves it (a level already reached), for lists and dashboards."""
    from django.utils import timezone

    from supervision.models import Clock

    now = timezone.now()
    return Clock.objects.create(
        key=key,
        subject=key,
        label=label or key,
        due_at=due_at,
        level=level,
        state=state,
        department=department,
        started_at=now,
        last_event_at=now,
    )
