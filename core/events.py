"""Domain events: how the platforms tell electronic supervision (电子监察) what happened, as it happens.

A platform that runs a supervised process (approvals, complaints) stores each transition in its own event table
(the history its users see) and, inside the same database transaction, publishes it here::

    from core import events

    events.publish(events.DomainEvent(source="approvals", id=row.pk, kind="application.accepted", ...))

Receivers (supervision's audit trail, clocks and rules) run synchronously in that transaction: if one fails, the
transition rolls back with it, so no transition exists without its audit record. The source knows nothing about
its receivers, and a receiver must accept an event it has seen before (same ``source`` and ``id``) or one that
arrives after a later event of the same subject, without counting it twice.

Clocks. An event may carry clock instructions (``Clock``): start a clock when a step or stage begins, pause it
while the applicant supplies materials, resume it with its new due time, stop it when the step ends. The source
computes due times (in working days, through ``core.workdays``); supervision decides when to warn and card.

Facts. ``payload`` is a JSON object. Supervision's rules read these keys where a source provides them; a source
leaves out what does not apply:

    item             the supervised kind of case, "approvals.item:12" (thresholds and peer comparisons use it)
    item_name        its name, for people
    reference        the case number people see (tracking number, complaint reference)
    actor_department_id  the department the actor belongs to
    materials_missing    list of required material names not provided when the case was accepted
    supplement_count     how many supplement requests the case has had, this one included
    justification       the written reason given for an action that needs one
    legal_basis          the legal basis cited by a decision
    fee_charged, fee_published  in yuan, as strings ("0.00")
    decision             "approved" | "refused" | "substantiated" | "partly_substantiated" | "unsubstantiated"
    rating, comment      the applicant's satisfaction rating (1-5)
    reasons              the codes of the reasons given with a rating (好差评)
    misconduct           the words of those reasons that allege misconduct by an official (索要财物 ...); a bad
                         rating (1 or 2) with any is a finding (supervision rule R10)
    promised_working_days  the promised time limit of the step or case
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.dispatch import Signal
from django.utils.translation import gettext, pgettext_lazy

# Sent with ``event=DomainEvent``; sender is the source's app label.
domain_event = Signal()
# Sent with ``events=[DomainEvent, ...]`` by ``record_many`` (a bulk change of the system's, e.g. a recomputation
# of deadlines): one call for the batch instead of one per event. A receiver of one connects to both.
domain_events = Signal()


class ClockAction:
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    ALL = (START, PAUSE, RESUME, STOP)


@dataclass(frozen=True)
class Clock:
    """An instruction for one supervised clock, identified by ``key`` across events."""

    key: str  # what is timed: "approvals.step:42", "approvals.application:7", "complaints.stage:9"
    action: str  # a ClockAction
    due_at: datetime.datetime | None = None  # start and resume: when it becomes overdue
    label: str = ""  # what people see: "实质审查 · 建设工程规划许可 · QF20261126001"
    department_id: int | None = None  # the department that answers for it
    handler_id: int | None = None  # the user handling it, when one is assigned
    policy: str = ""  # whose thresholds apply, usually the payload's "item"

    def __post_init__(self):
        if self.action not in ClockAction.ALL:
            raise ValueError(f"unknown clock action {self.action!r}")
        if self.action in (ClockAction.START, ClockAction.RESUME) and self.due_at is None:
            raise ValueError(f"a clock {self.action} needs due_at")
        if self.due_at is not None and self.due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")


@dataclass(frozen=True)
class DomainEvent:
    source: str  # the app label of the platform: "approvals", "complaints"
    id: int  # the source's own id for the event, unique within the source
    kind: str  # "application.accepted", "step.approved", "complaint.concluded" ...
    occurred_at: datetime.datetime  # aware, to the second
    subject: str  # the case the event belongs to: "approvals.application:7"
    actor_id: int | None = None  # the user who acted; None for the applicant, a citizen or the system
    actor_name: str = ""  # as recorded at the time (a user may be renamed later)
    department_id: int | None = None  # the department handling the subject at this event
    from_state: str = ""
    to_state: str = ""
    payload: dict = field(default_factory=dict)
    clocks: tuple[Clock, ...] = ()

    def __post_init__(self):
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        if not isinstance(self.payload, dict):
            raise ValueError("payload must be a dict")

    @property
    def key(self):
        """Identifies the event across deliveries: a receiver that has seen this key ignores the event."""
        return f"{self.source}:{self.id}"


def publish(event: DomainEvent):
    """Hand an event to every receiver, now, inside the caller's transaction; a receiver's error propagates."""
    # send(), not send_robust(): a receiver's failure must roll the transition back, not vanish.
    domain_event.send(sender=event.source, event=event)


def publish_many(source: str, batch: list[DomainEvent]) -> None:
    """Hand a batch of events to every batch receiver, now, inside the caller's transaction."""
    if batch:
        domain_events.send(sender=source, events=batch)


@dataclass(frozen=True)
class Entry:
    """One event of ``record_many``: what ``record`` takes, for an event of the system (no actor)."""

    subject: str
    kind: str
    department_id: int | None = None
    from_state: str = ""
    to_state: str = ""
    payload: dict = field(default_factory=dict)
    clocks: tuple[Clock, ...] = ()
    row_fields: dict = field(default_factory=dict)


def record_many(row_model, *, source: str, entries: list[Entry], at=None, time_field: str = "occurred_at") -> list:
    """``record`` for many events of the system at once: one insert of the rows, one batch published (same facts).

    For bulk work such as moving every open deadline after a holiday change, where one ``record`` per row would
    take minutes. Returns the rows, in the order of `entries`, with their pks.
    """
    from django.utils import timezone

    if not entries:
        return []
    moment = (timezone.now() if at is None else at).replace(microsecond=0)
    rows = row_model.objects.bulk_create(
        [
            row_model(
                kind=e.kind,
                actor=None,
                actor_name="",
                from_state=e.from_state,
                to_state=e.to_state,
                payload=dict(e.payload),
                **{time_field: moment},
                **e.row_fields,
            )
            for e in entries
        ]
    )
    publish_many(
        source,
        [
            DomainEvent(
                source=source,
                id=row.pk,
                kind=e.kind,
                occurred_at=moment,
                subject=e.subject,
                department_id=e.department_id,
                from_state=e.from_state,
                to_state=e.to_state,
                payload=row.payload,
                clocks=tuple(e.clocks),
            )
            for e, row in zip(entries, rows, strict=True)
        ],
    )
    return rows


def register_subjects(subject_kind, admin_url_name):
    """Let supervision link a source's subjects ("approvals.application:7") to their admin page.

    Called from the source's wagtail_hooks. Event and state names go through ``register_labels``.
    """
    from django.urls import reverse
    from wagtail import hooks

    def subject_url(subject):
        kind, _sep, pk = subject.partition(":")
        return reverse(admin_url_name, args=[int(pk)]) if kind == subject_kind and pk.isdigit() else None

    hooks.register("supervision_subject_url", subject_url)


# --- Words for people ----------------------------------------------------------------------------------------------
# Every event kind, state and clock action a page shows is a translated word, never the code. Each source registers
# the words of what it publishes from its AppConfig.ready(); pages ask label_for / state_label / clock_action_label.

_EVENT_LABELS: dict = {}
_STATE_LABELS: dict = {}

# The events core itself records (the office's holiday schedule, core/calendar.py).
CORE_EVENT_LABELS = {
    "calendar.entered": pgettext_lazy("calendar event", "Holiday schedule entered"),
    "calendar.changed": pgettext_lazy("calendar event", "Holiday schedule changed"),
    "calendar.recomputed": pgettext_lazy("calendar event", "Deadlines recomputed with the holiday schedule"),
    "calendar.deadlines_moved": pgettext_lazy("calendar event", "Deadlines moved with the holiday schedule"),
}

CLOCK_ACTION_LABELS = {
    ClockAction.START: pgettext_lazy("clock", "Clock started"),
    ClockAction.PAUSE: pgettext_lazy("clock", "Clock paused"),
    ClockAction.RESUME: pgettext_lazy("clock", "Clock resumed"),
    ClockAction.STOP: pgettext_lazy("clock", "Clock stopped"),
}


def register_labels(source: str, *, events: Mapping = (), states: Mapping = ()) -> None:
    """Name a source's event kinds ("application.accepted" -> gettext_lazy("Accepted")) and its states."""
    _EVENT_LABELS.update(dict(events))
    _STATE_LABELS.setdefault(source, {}).update(dict(states))


def registered_kinds() -> list[str]:
    return sorted(_EVENT_LABELS)


def label_for(kind: str) -> str:
    """An event kind in the reader's language; a kind nobody named shows as a neutral word, never as its code."""
    label = _EVENT_LABELS.get(kind)
    return str(label) if label is not None else gettext("Other event")


def state_label(source: str, state: str) -> str:
    """A source's state ("in_review") in the reader's language ("审查中"); "" for no state."""
    if not state:
        return ""
    label = _STATE_LABELS.get(source, {}).get(state)
    return str(label) if label is not None else gettext("Other state")


def clock_action_label(action: str) -> str:
    label = CLOCK_ACTION_LABELS.get(action)
    return str(label) if label is not None else gettext("Other clock change")


def record(
    row_model,
    *,
    source: str,
    subject: str,
    kind: str,
    by=None,
    actor_name: str | None = None,
    department_id: int | None = None,
    from_state: str = "",
    to_state: str = "",
    payload: dict | None = None,
    clocks=(),
    time_field: str = "occurred_at",
    at: datetime.datetime | None = None,
    **row_fields,
):
    """Write a source's event row and publish it as a ``DomainEvent``, in the caller's transaction.

    The one way a platform records a transition: the row is the history its users see, the published event is
    what supervision audits and times, and both carry the same moment (to the second), actor and facts. Returns
    the row. ``actor_name`` defaults to the actor's display name; ``row_fields`` are the row model's own columns
    (the application, its step ...). ``at`` is the moment when the source keeps its own clock (a demo replaying
    the past, a test), otherwise now.
    """
    from django.utils import timezone

    from core.people import display_name

    moment = (timezone.now() if at is None else at).replace(microsecond=0)
    facts = dict(payload or {})
    name = display_name(by) if actor_name is None else actor_name
    row = row_model.objects.create(
        kind=kind,
        actor=by,
        actor_name=name,
        from_state=from_state,
        to_state=to_state,
        payload=facts,
        **{time_field: moment},
        **row_fields,
    )
    publish(
        DomainEvent(
            source=source,
            id=row.pk,
            kind=kind,
            occurred_at=moment,
            subject=subject,
            actor_id=by.pk if by is not None else None,
            actor_name=name,
            department_id=department_id,
            from_state=from_state,
            to_state=to_state,
            payload=facts,
            clocks=tuple(clocks),
        )
    )
    return row
