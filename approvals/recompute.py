"""Open approval deadlines follow a change of the holiday schedule (registered with core.calendar).

In chunks of CHUNK applications, one transaction each, in a constant number of queries per chunk: the rows are read
as values and locked; their promises and active steps are moved in SQL (``Recompute.shift``: one UPDATE joined to
the run's working-day index, a few dozen dates); the chunk's moves are written to one ``calendar.deadlines_moved``
event (``Recompute.record_moves``: audited once, shown on each case's supervision timeline, its clocks resumed with
the new due times in bulk; a paused clock only has its case's due time moved, carried when it resumes); each moved
application gets one history row (one insert) and, when its promise moved, one SMS with the new date (one insert).
Once the run is through, each handler whose steps moved gets one SMS, keyed by run and handler.

The answers due on bad ratings (差评整改回访) move the same way, in their own pass (``recompute_rating_answers``,
registered as RATINGS): the date in SQL, one event per chunk with the clocks resumed; no SMS (the rated department
reads the new date on its dashboard and in 好差评, and no applicant waits on it).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from approvals.models import Application, ApplicationEvent, ApplicationStep, Rating, State, StepState
from approvals.services import timing
from approvals.services.recording import _due_text, rating_clock_key
from core import bulk
from core.events import Clock, ClockAction
from directory.models import Cadre
from sms.notices import queue_notices
from sms.system_templates import clip

OPEN = (State.SUPPLEMENTING, State.IN_REVIEW)
NAME = "approvals"
RATINGS = "approvals.ratings"
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
    moved = 0
    for apps in context.locked_chunks(NAME, Application.objects.filter(state__in=OPEN), APP_FIELDS, CHUNK):
        moved += _move_chunk(context, apps)
    with transaction.atomic():
        _tell_handlers(context)
    return moved


def recompute_rating_answers(context) -> int:
    """Move the answer due on every unanswered bad rating the change reaches; returns how many moved."""
    moved = 0
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Answer a bad rating")
    unanswered = Rating.objects.filter(answered_at__isnull=True, answer_due_at__gte=context.first_moment)
    fields = ("pk", "answer_due_at", "application_id", "application__tracking_number")
    for rows in context.locked_chunks(RATINGS, unanswered, fields, CHUNK):
        dues = [r["answer_due_at"] for r in rows]
        context.shift(Rating.objects.filter(pk__in=[r["pk"] for r in rows]), "answer_due_at", dues)
        moves, clocks = [], []
        for row in rows:
            new = context.move(row["answer_due_at"])
            if new is None:
                continue
            key = rating_clock_key(row["pk"])
            moves.append(
                {
                    "subject": f"approvals.application:{row['application_id']}",
                    "reference": row["application__tracking_number"],
                    "what": key,
                    "label": label,
                    "from": _iso(row["answer_due_at"]),
                    "to": _iso(new),
                }
            )
            clocks.append(_clock(key, new))
        context.record_moves(RATINGS, moves, clocks)
        moved += len(moves)
    return moved


def _move_chunk(context, apps):
    """One chunk, in a constant number of queries: the dates moved in SQL by the run's working-day index, one
    ``calendar.deadlines_moved`` event (audited once, supervision's clocks moved in bulk), one history row per
    application (one insert) and the applicants' SMS (one insert)."""
    steps = {}
    step_rows = list(
        ApplicationStep.objects.select_for_update(of=("self",))
        .filter(application_id__in=[a["pk"] for a in apps], state=StepState.ACTIVE)
        .order_by("pk")
        .values(*STEP_FIELDS)
    )
    for step in step_rows:
        steps.setdefault(step["application_id"], []).append(step)
    # By the locked rows' own pks (the planner then reads them by index, not the whole table).
    context.shift(Application.objects.filter(pk__in=[a["pk"] for a in apps]), "due_at", [a["due_at"] for a in apps])
    context.shift(
        ApplicationStep.objects.filter(pk__in=[s["pk"] for s in step_rows]),
        "due_at",
        [s["due_at"] for s in step_rows],
    )
    moved, told, clocks, histories = [], [], [], []
    with translation.override(settings.LANGUAGE_CODE):
        whole_case = _("Whole case")
    for app in apps:
        mine = []
        subject = f"approvals.application:{app['pk']}"
        new = context.move(app["due_at"])
        if new is not None:
            mine.append({"what": "application", "label": whole_case, "from": _iso(app["due_at"]), "to": _iso(new)})
            told.append((app, new))
            if app["paused_at"] is None:
                clocks.append(_clock(subject, new))
        for step in steps.get(app["pk"], ()):
            step_new = context.move(step["due_at"])
            if step_new is None:
                continue
            mine.append(
                {
                    "what": f"approvals.step:{step['pk']}",
                    "from": _iso(step["due_at"]),
                    "to": _iso(step_new),
                    "step": step["name"],
                    "handler": step["assignee_id"],
                }
            )
            if step["paused_at"] is None and app["paused_at"] is None:
                clocks.append(_clock(f"approvals.step:{step['pk']}", step_new))
        if mine:
            histories.append((app, mine))
            moved += [{"subject": subject, "reference": app["tracking_number"], **move} for move in mine]
    event = context.record_moves(NAME, moved, clocks)
    if event is None:
        return 0
    at = event.occurred_at
    # One streamed insert (COPY on PostgreSQL), no model instance per row.
    rows = bulk.insert_rows(
        ApplicationEvent,
        HISTORY_FIELDS,
        [
            (
                app["pk"],
                app["service_centre_id"],
                KIND,
                None,
                "",
                app["state"],
                app["state"],
                at,
                {"calendar_year": context.run.year, "calendar_event": event.pk, "moves": mine},
            )
            for app, mine in histories
        ],
        returning=("application_id", "pk"),
    )
    _tell_applicants(told, dict(rows))
    return len(histories)


HISTORY_FIELDS = (
    "application_id",
    "department_id",
    "kind",
    "actor_id",
    "actor_name",
    "from_state",
    "to_state",
    "occurred_at",
    "payload",
)


def _iso(moment):
    return moment.isoformat()


def _clock(key, due_at):
    """The clock resumes with its new due time; what it times, its department, handler and item stay as they are
    (an instruction leaves out what does not change, which keeps the chunk's event and audit record small)."""
    return Clock(key=key, action=ClockAction.RESUME, due_at=due_at)


def _tell_applicants(told, event_of):
    """One SMS per application whose promise moved, saying the new date (the one deadline it is told)."""
    dues = {}  # new due time -> its text: a chunk's promises move to a few dozen moments

    def due_text(new):
        if new not in dues:
            dues[new] = _due_text(timing.promised_deadline(Application(due_at=new)))
        return dues[new]

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
                        "due": due_text(new),
                    },
                    None,
                )
                for app, new in told
            ]
        )


def _tell_handlers(context):
    """One SMS per handler whose steps moved in this run (idempotent by run and handler), with the new due date."""
    handled = {}  # user id -> [count, earliest new due, its tracking number, its step]
    for move in context.moves_of(NAME):
        if not move.get("handler"):
            continue
        due = datetime.datetime.fromisoformat(move["to"])
        seen = handled.setdefault(move["handler"], [0, due, move.get("reference", ""), move.get("step", "")])
        seen[0] += 1
        if due < seen[1]:
            seen[1:] = [due, move.get("reference", ""), move.get("step", "")]
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
