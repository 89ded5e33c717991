"""Open complaint stages follow a change of the holiday schedule (registered with core.calendar).

In chunks of CHUNK stages, one transaction each, like approvals/recompute.py: the rows read as values, moved in
Python, written with one bulk update, and their events and supervised clocks written in bulk
(``core.events.record_many``)."""

from django.db import transaction

from complaints.models import ComplaintEvent, Stage
from core import bulk, events
from core.events import Clock, ClockAction

NAME = "complaints"
KIND = "stage.deadline_recomputed"
CHUNK = 1000
FIELDS = (
    "pk",
    "due_at",
    "complaint_id",
    "complaint__category",
    "complaint__reference",
    "complaint__related_reference",
    "complaint__concerned_department_id",
    "complaint__handling_department_id",
)


def recompute_deadlines(context) -> int:
    """Move the due time of every open stage the change reaches, with its event and supervised clock."""
    moved, last = 0, context.done_up_to(NAME)
    while True:
        with transaction.atomic():
            stages = list(
                Stage.objects.select_for_update(of=("self",))
                .filter(ended_at__isnull=True, due_at__gte=context.first_moment, pk__gt=last)
                .order_by("pk")
                .values(*FIELDS)[:CHUNK]
            )
            if not stages:
                return moved
            moved += _move_chunk(context, stages)
            last = stages[-1]["pk"]
            context.mark_done(NAME, last)


def _move_chunk(context, stages):
    updated, entries = [], []
    for stage in stages:
        new = context.move(stage["due_at"])
        if new is None:
            continue
        updated.append(Stage(pk=stage["pk"], due_at=new))
        facts = {
            "item": f"complaints.category:{stage['complaint__category']}",
            "reference": stage["complaint__reference"],
            "category": stage["complaint__category"],
            "concerned_department_id": stage["complaint__concerned_department_id"],
        }
        if stage["complaint__related_reference"]:
            facts["related_reference"] = stage["complaint__related_reference"]
        facts.update(calendar_year=context.run.year, **{"from": stage["due_at"].isoformat(), "to": new.isoformat()})
        entries.append(
            events.Entry(
                subject=f"complaints.complaint:{stage['complaint_id']}",
                kind=KIND,
                department_id=stage["complaint__handling_department_id"],
                payload=facts,
                clocks=(Clock(key=f"complaints.stage:{stage['pk']}", action=ClockAction.RESUME, due_at=new),),
                row_fields={"complaint_id": stage["complaint_id"]},
            )
        )
    bulk.update_rows(Stage, updated, ["due_at"])
    events.record_many(ComplaintEvent, source="complaints", entries=entries, time_field="created_at")
    return len(entries)
