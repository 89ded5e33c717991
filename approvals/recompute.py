"""Open approval deadlines follow a change of the holiday schedule (registered with core.calendar).

Each moved application gets one event (its row, the audit chain, supervision's clocks moved by RESUME with the new
due time) and, when its promise moved, one SMS to the applicant with the new date; paused clocks only get their
due time, carried when they resume. Each handler whose step moved gets one SMS for the whole run.

In chunks of CHUNK applications, one transaction each: the rows are read as values, moved in Python (the
recomputation's working-day index answers each due date once), written with bulk updates, and their events,
supervision records and SMS are written in bulk (``core.events.record_many``, ``sms.notices.queue_notices``).
100,000 open deadlines take well under a minute, in flat memory (bench/calendar.py).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from approvals.models import Application, ApplicationEvent, ApplicationStep, State, StepState
from approvals.services import timing
from approvals.services.recording import _due_text
from core import bulk, events
from core.events import Clock, ClockAction
from directory.models import Cadre
from sms.notices import queue_notices
from sms.system_templates import clip

OPEN = (State.SUPPLEMENTING, State.IN_REVIEW)
NAME = "approvals"
KIND = "application.deadline_recomputed"
CHUNK = 1000

APP_FIELDS = (
    "pk",
    "state",
    "due_at",
    "paused_at",
    "tracking_number",
    "applicant_phone",
    "item_id",
    "item__name",
    "item__department_id",
    "service_centre_id",
)
STEP_FIELDS = ("pk", "application_id", "name", "due_at", "paused_at", "department_id", "assignee_id")


def recompute_deadlines(context) -> int:
    """Move every open application's promise and active steps the change reaches; returns how many moved."""
    moved, last = 0, context.done_up_to(NAME)
    while True:
        with transaction.atomic():
            apps = list(
                Application.objects.select_for_update(of=("self",))
                .filter(state__in=OPEN, pk__gt=last)
                .order_by("pk")
                .values(*APP_FIELDS)[:CHUNK]
            )
            if not apps:
                break
            moved += _move_chunk(context, apps)
            last = apps[-1]["pk"]
            context.mark_done(NAME, last)
    with transaction.atomic():
        _tell_handlers(context)
    return moved


def _move_chunk(context, apps):
    steps = {}
    for step in (
        ApplicationStep.objects.select_for_update(of=("self",))
        .filter(application_id__in=[a["pk"] for a in apps], state=StepState.ACTIVE)
        .order_by("pk")
        .values(*STEP_FIELDS)
    ):
        steps.setdefault(step["application_id"], []).append(step)
    moved_apps, moved_steps, entries, told = [], [], [], []
    for app in apps:
        moves, clocks = [], []
        new = context.move(app["due_at"])
        if new is not None:
            moves.append({"what": "application", "from": app["due_at"].isoformat(), "to": new.isoformat()})
            moved_apps.append(Application(pk=app["pk"], due_at=new))
            told.append((app, new))
            if app["paused_at"] is None:
                clocks.append(_clock(f"approvals.application:{app['pk']}", new, _("Whole case"), app))
        for step in steps.get(app["pk"], ()):
            step_new = context.move(step["due_at"])
            if step_new is None:
                continue
            moves.append(
                {
                    "what": f"approvals.step:{step['pk']}",
                    "from": step["due_at"].isoformat(),
                    "to": step_new.isoformat(),
                    "step": step["name"],
                    "handler": step["assignee_id"],
                }
            )
            moved_steps.append(ApplicationStep(pk=step["pk"], due_at=step_new))
            if step["paused_at"] is None and app["paused_at"] is None:
                clocks.append(_clock(f"approvals.step:{step['pk']}", step_new, step["name"], app, step))
        if moves:
            entries.append(_entry(context, app, moves, clocks))
    bulk.update_rows(Application, moved_apps, ["due_at"])
    bulk.update_rows(ApplicationStep, moved_steps, ["due_at"])
    rows = events.record_many(ApplicationEvent, source="approvals", entries=entries, at=timing.now())
    _tell_applicants(told, {row.application_id: row.pk for row in rows})
    return len(entries)


def _clock(key, due_at, name, app, step=None):
    return Clock(
        key=key,
        action=ClockAction.RESUME,
        due_at=due_at,
        label=f"{name} · {app['item__name']} · {app['tracking_number']}",
        department_id=step["department_id"] if step else app["item__department_id"],
        handler_id=step["assignee_id"] if step else None,
        policy=f"approvals.item:{app['item_id']}",
    )


def _entry(context, app, moves, clocks):
    return events.Entry(
        subject=f"approvals.application:{app['pk']}",
        kind=KIND,
        department_id=app["service_centre_id"],
        from_state=app["state"],
        to_state=app["state"],
        payload={
            "item": f"approvals.item:{app['item_id']}",
            "item_name": app["item__name"],
            "reference": app["tracking_number"],
            "calendar_year": context.run.year,
            "calendar_run": context.run.pk,
            "moves": moves,
        },
        clocks=tuple(clocks),
        row_fields={"application_id": app["pk"], "department_id": app["service_centre_id"]},
    )


def _tell_applicants(told, event_of):
    """One SMS per application whose promise moved, saying the new date (the one deadline it is told)."""
    with translation.override(settings.LANGUAGE_CODE):
        queue_notices(
            [
                (
                    f"approvals.application:{app['pk']}:event:{event_of[app['pk']]}",
                    app["applicant_phone"],
                    f"approvals.{KIND}",
                    {
                        "number": app["tracking_number"],
                        "item": clip(app["item__name"], 20),
                        "due": _due_text(timing.promised_deadline(Application(due_at=new))),
                    },
                    None,
                )
                for app, new in told
            ]
        )


def _tell_handlers(context):
    """One SMS per handler whose steps moved in this run (idempotent by run and handler), with the new due date."""
    handled = {}  # user id -> [count, earliest new due, its tracking number, its step]
    rows = ApplicationEvent.objects.filter(kind=KIND, payload__calendar_run=context.run.pk).values_list(
        "payload", flat=True
    )
    for payload in rows.iterator(chunk_size=2000):
        for move in payload.get("moves", ()):
            if not move.get("handler"):
                continue
            due = datetime.datetime.fromisoformat(move["to"])
            seen = handled.setdefault(move["handler"], [0, due, payload["reference"], move.get("step", "")])
            seen[0] += 1
            if due < seen[1]:
                seen[1:] = [due, payload["reference"], move.get("step", "")]
    if not handled:
        return 0
    entries = []
    with translation.override(settings.LANGUAGE_CODE):
        for cadre in Cadre.objects.filter(user_id__in=list(handled)).exclude(phone="").order_by("pk"):
            count, due, number, step = handled[cadre.user_id]
            if count == 1:
                template, params = "approvals.handler.one", {"number": number, "step": clip(step, 20)}
            else:
                template, params = "approvals.handler.many", {"count": count, "number": number}
            params["due"] = _due_text(due)
            key = f"core.calendar:{context.run.pk}:approvals.handler:{cadre.user_id}"
            entries.append((key, cadre.phone, template, params, cadre))
    return queue_notices(entries)
