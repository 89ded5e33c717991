"""Open approval deadlines follow a change of the holiday schedule (registered with core.calendar).

Each moved application gets one event (its row, the audit chain, supervision's clocks moved by RESUME with the new
due time) and one SMS to the applicant; paused clocks only get their due time, carried when they resume.
"""

from django.db import transaction
from django.db.models import Q

from approvals.models import Application, State, StepState
from approvals.services.recording import _case_clock, _record, _step_clock
from core.events import ClockAction

OPEN = (State.SUPPLEMENTING, State.IN_REVIEW)
NAME = "approvals"


def recompute_deadlines(context) -> int:
    """Move every open application's promise and active steps the change reaches; returns how many moved."""
    candidates = (
        Application.objects.filter(state__in=OPEN, pk__gt=context.done_up_to(NAME))
        .filter(
            Q(due_at__gte=context.first_moment)
            | Q(steps__state=StepState.ACTIVE, steps__due_at__gte=context.first_moment)
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    moved = 0
    for pk in list(candidates):
        with transaction.atomic():
            moved += _move(context, pk)
            context.mark_done(NAME, pk)
    return moved


def _move(context, pk):
    app = Application.objects.select_for_update().select_related("item").filter(pk=pk, state__in=OPEN).first()
    if app is None:  # closed meanwhile: closed cases never change
        return 0
    clocks, moves = [], []
    new = context.move(app.due_at)
    if new is not None:
        moves.append({"what": "application", "from": app.due_at.isoformat(), "to": new.isoformat()})
        app.due_at = new
        app.save(update_fields=["due_at"])
        if app.paused_at is None:
            clocks.append(_case_clock(app, ClockAction.RESUME, new))
    for step in app.steps.filter(state=StepState.ACTIVE).select_related("department"):
        new = context.move(step.due_at)
        if new is None:
            continue
        moves.append({"what": step.clock_key, "from": step.due_at.isoformat(), "to": new.isoformat()})
        step.due_at = new
        step.save(update_fields=["due_at"])
        if step.paused_at is None and app.paused_at is None:
            step.application = app
            clocks.append(_step_clock(step, ClockAction.RESUME, new))
    if not moves:
        return 0
    _record(
        app,
        "application.deadline_recomputed",
        None,
        app.state,
        app.state,
        payload={"calendar_year": context.run.year, "moves": moves},
        clocks=clocks,
    )
    return 1
