"""Open complaint stages follow a change of the holiday schedule (registered with core.calendar).

In chunks of CHUNK stages, one transaction each, like approvals/recompute.py: the rows read as values, their due
times moved in SQL by the run's working-day index, one ``calendar.deadlines_moved`` event per chunk (audited once,
supervision's clocks moved in bulk, shown on each complaint's timeline), one history row per stage (one insert).
Once the run is through, each investigator of a complaint whose stage moved is told once by SMS (keyed by run and
investigator, like approval handlers)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation

from complaints.models import Complaint, ComplaintEvent, Stage, Status
from core.events import Clock, ClockAction
from core.workdays import is_provisional
from directory.models import Cadre
from sms.notices import queue_notices

NAME = "complaints"
KIND = "stage.deadline_recomputed"
CHUNK = 1000
FIELDS = (
    "pk",
    "status",
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
    moved = 0
    open_stages = Stage.objects.filter(ended_at__isnull=True, due_at__gte=context.first_moment)
    for stages in context.locked_chunks(NAME, open_stages, FIELDS, CHUNK):
        moved += _move_chunk(context, stages)
    with transaction.atomic():
        _tell_investigators(context)
    return moved


def _move_chunk(context, stages):
    context.shift(
        Stage.objects.filter(pk__in=[stage["pk"] for stage in stages]),
        "due_at",
        [stage["due_at"] for stage in stages],
    )
    moves, clocks, histories = [], [], []
    with translation.override(settings.LANGUAGE_CODE):
        for stage in stages:
            new = context.move(stage["due_at"])
            if new is None:
                continue
            move = {
                "subject": f"complaints.complaint:{stage['complaint_id']}",
                "reference": stage["complaint__reference"],
                "what": f"complaints.stage:{stage['pk']}",
                "label": str(Status(stage["status"]).label) if stage["status"] in Status.values else "",
                "from": stage["due_at"].isoformat(),
                "to": new.isoformat(),
                "complaint": stage["complaint_id"],
            }
            moves.append(move)
            clocks.append(Clock(key=f"complaints.stage:{stage['pk']}", action=ClockAction.RESUME, due_at=new))
            histories.append((stage, move))
    event = context.record_moves(NAME, moves, clocks)
    if event is None:
        return 0
    ComplaintEvent.objects.bulk_create(
        [
            ComplaintEvent(
                complaint_id=stage["complaint_id"],
                kind=KIND,
                actor=None,
                actor_name="",
                created_at=event.occurred_at,
                payload={
                    "calendar_year": context.run.year,
                    "calendar_event": event.pk,
                    "from": move["from"],
                    "to": move["to"],
                },
            )
            for stage, move in histories
        ]
    )
    return len(histories)


def _tell_investigators(context):
    """One SMS per investigator of a complaint whose stage moved in this run, with the new due date; keyed by run
    and investigator, so a rerun never texts twice. The complaint's reference is an internal number: the SMS names
    nothing else about the case."""
    earliest = {}  # complaint id -> (earliest new due, its reference)
    for move in context.moves_of(NAME):
        due = datetime.datetime.fromisoformat(move["to"])
        if move["complaint"] not in earliest or due < earliest[move["complaint"]][0]:
            earliest[move["complaint"]] = (due, move.get("reference", ""))
    if not earliest:
        return 0
    told = {}  # user id -> [complaints, earliest due, its reference]
    through = Complaint.investigators.through
    for start in range(0, len(earliest), 2000):
        ids = list(earliest)[start : start + 2000]
        for complaint_id, user_id in through.objects.filter(complaint_id__in=ids).values_list(
            "complaint_id", "user_id"
        ):
            due, reference = earliest[complaint_id]
            seen = told.setdefault(user_id, [0, due, reference])
            seen[0] += 1
            if due < seen[1]:
                seen[1:] = [due, reference]
    entries = []
    with translation.override(settings.LANGUAGE_CODE):
        for cadre in Cadre.objects.filter(user_id__in=list(told)).exclude(phone="").order_by("pk"):
            count, due, reference = told[cadre.user_id]
            template = "complaints.investigator.one" if count == 1 else "complaints.investigator.many"
            params = {"due": _due_text(due), "reference": reference}
            if count > 1:
                params["count"] = count
            key = f"core.calendar:{context.run.pk}:complaints.investigator:{cadre.user_id}"
            entries.append((key, cadre.phone, template, params, cadre))
    return queue_notices(entries)


def _due_text(due_at):
    from django.utils import timezone
    from django.utils.translation import pgettext

    text = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
    if is_provisional(due_at):
        text += pgettext("deadline", " (provisional)")
    return text
