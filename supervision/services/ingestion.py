"""Take in a domain event: record it once, chain it, apply its clock instructions and run the per-event rules."""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import bulk
from core.events import Clock as ClockInstruction
from core.events import ClockAction, DomainEvent
from supervision import audit, rules
from supervision.clocks import Thresholds, next_fire_at
from supervision.findings import record_finding
from supervision.models import Alert, Clock, EventCase, ReceivedEvent, Severity
from supervision.services.schedule import reschedule_clock, update_schedule

logger = logging.getLogger(__name__)


def ingest(event: DomainEvent) -> ReceivedEvent | None:
    """Record a DomainEvent, chain it, apply its clock instructions and run the rules, in the caller's transaction.

    Returns the ReceivedEvent, or None when this (source, id) was delivered before: a second delivery does nothing.
    """
    if ReceivedEvent.objects.filter(source=event.source, source_id=event.id).exists():
        logger.info("supervision: event %s delivered again, ignored", event.key)
        return None
    payload = dict(event.payload)
    try:
        # A savepoint, so that a concurrent first delivery (unique constraint) leaves the caller's transaction usable.
        with transaction.atomic():
            row = ReceivedEvent.objects.create(
                source=event.source,
                source_id=event.id,
                kind=event.kind,
                subject=event.subject,
                item=str(payload.get("item", ""))[:80],
                reference=str(payload.get("reference", ""))[:80],
                related_reference=str(payload.get("related_reference", ""))[:80],
                occurred_at=event.occurred_at,
                actor_id=event.actor_id,
                actor_name=event.actor_name,
                department_id=event.department_id,
                from_state=event.from_state,
                to_state=event.to_state,
                is_final=bool(payload.get("final")),
                payload=payload,
                clocks=[_clock_dict(clock) for clock in event.clocks],
            )
    except IntegrityError:
        logger.info("supervision: event %s delivered concurrently, ignored", event.key)
        return None
    audit.append("event", event.key, _event_data(row))
    _link_cases([row])
    if len(event.clocks) > 1:
        apply_clocks([(instruction, row) for instruction in event.clocks])
    else:
        for instruction in event.clocks:
            apply_clock(instruction, row)
    rules.run_event_rules(row)
    return row


def _link_cases(rows):
    """An event about many cases (``payload["moves"]``, each naming its ``subject``) shows on each one's timeline."""
    links = []
    for row in rows:
        moves = row.payload.get("moves") if isinstance(row.payload, dict) else None
        if not isinstance(moves, list):
            continue
        subjects = {m["subject"] for m in moves if isinstance(m, dict) and isinstance(m.get("subject"), str)}
        links += [(row.pk, s[:120]) for s in sorted(subjects) if s != row.subject]
    # Streamed (COPY on PostgreSQL): a chunk of a recomputation names a thousand cases.
    bulk.insert_rows(EventCase, ["event_id", "subject"], links, returning=())


def ingest_many(events: list[DomainEvent]) -> list[ReceivedEvent]:
    """``ingest`` for a batch (``core.events.record_many``): the same records, chain, clocks and rules, in a few
    queries per batch instead of a dozen per event. Events delivered before are skipped. Returns the new rows."""
    if not events:
        return []
    seen = set(
        ReceivedEvent.objects.filter(
            source__in={e.source for e in events}, source_id__in=[e.id for e in events]
        ).values_list("source", "source_id")
    )
    fresh = [e for e in events if (e.source, e.id) not in seen]
    rows = ReceivedEvent.objects.bulk_create(
        [
            ReceivedEvent(
                source=e.source,
                source_id=e.id,
                kind=e.kind,
                subject=e.subject,
                item=str(e.payload.get("item", ""))[:80],
                reference=str(e.payload.get("reference", ""))[:80],
                related_reference=str(e.payload.get("related_reference", ""))[:80],
                occurred_at=e.occurred_at,
                actor_id=e.actor_id,
                actor_name=e.actor_name,
                department_id=e.department_id,
                from_state=e.from_state,
                to_state=e.to_state,
                is_final=bool(e.payload.get("final")),
                payload=dict(e.payload),
                clocks=[_clock_dict(clock) for clock in e.clocks],
            )
            for e in fresh
        ]
    )
    audit.append_many([("event", e.key, _event_data(row)) for e, row in zip(fresh, rows, strict=True)])
    _link_cases(rows)
    apply_clocks([(instruction, row) for e, row in zip(fresh, rows, strict=True) for instruction in e.clocks])
    rules.run_event_rules_many(rows)
    return rows


CLOCK_FIELDS = [
    "state",
    "started_at",
    "allowed",
    "due_at",
    "paused_at",
    "paused_total",
    "stopped_at",
    "last_event_at",
    "label",
    "policy",
    "department_id",
    "handler_id",
]


def apply_clocks(pairs: list[tuple[ClockInstruction, ReceivedEvent]]) -> None:
    """``apply_clock`` for many instructions: known clocks are read, changed and rescheduled together; an unknown
    clock or an instruction older than its clock takes the one-at-a-time path."""
    if not pairs:
        return
    keys = {instruction.key for instruction, _event in pairs}
    if len(keys) == len(pairs) and all(instruction.action == ClockAction.RESUME for instruction, _e in pairs):
        for instruction, event in _resume_many(pairs):
            apply_clock(instruction, event)
        return
    clocks = {c.key: c for c in Clock.objects.select_for_update().filter(key__in=keys)}
    changed = {}
    for instruction, event in pairs:
        clock = clocks.get(instruction.key)
        if clock is None or event.occurred_at < clock.last_event_at:
            if instruction.key in changed:
                changed.pop(instruction.key).save()
            clocks[instruction.key] = apply_clock(instruction, event)
            continue
        _apply(clock, instruction, event.occurred_at)
        clock.label = instruction.label or clock.label
        clock.policy = instruction.policy or event.item or clock.policy
        clock.department_id = instruction.department_id or clock.department_id
        clock.handler_id = instruction.handler_id or clock.handler_id
        changed[clock.key] = clock
    batch = list(changed.values())
    if not batch:
        return
    bulk.update_rows(Clock, batch, CLOCK_FIELDS, batch_size=500)
    fired = {}
    for clock_id, rung in Alert.objects.filter(clock__in=batch).values_list("clock_id", "rung"):
        fired.setdefault(clock_id, set()).add(rung)
    thresholds = Thresholds()
    for clock in batch:
        clock.next_fire_at = next_fire_at(
            clock, thresholds.for_policy(clock.policy), fired.get(clock.pk, set()), shift=thresholds.shift
        )
    update_schedule(batch)


MOVED_FIELDS = ["state", "due_at", "paused_at", "paused_total", "last_event_at", "next_fire_at"]
OWNER_FIELDS = ["label", "policy", "department_id", "handler_id"]


class _Moving:
    """What a RESUME changes on a clock, without loading the model (``_apply`` and ``next_fire_at`` read these)."""

    __slots__ = ("pk", "state", "allowed", "due_at", "paused_at", "paused_total", "last_event_at", "next_fire_at")
    __slots__ += ("stopped_at", "started_at", "label", "policy", "department_id", "handler_id")
    State = Clock.State

    def __init__(self, row):
        for name in self.__slots__:
            setattr(self, name, row.get(name))
        self.pk = row["id"]


def _resume_many(pairs):
    """RESUMEs of distinct clocks (a recomputation moving due times): the clocks read as values, changed and their
    next check computed in Python, written in one statement; no model is loaded. Returns the pairs it left to the
    one-at-a-time path (a clock it does not know, an instruction older than its clock)."""
    by_key = {
        row["key"]: row
        for row in Clock.objects.select_for_update()
        .filter(key__in=[instruction.key for instruction, _event in pairs])
        .values("id", "key", "state", "allowed", "paused_at", "paused_total", "last_event_at", *OWNER_FIELDS)
    }
    left, batch, owners_changed, was_paused = [], [], False, False
    for instruction, event in pairs:
        row = by_key.get(instruction.key)
        if row is None or event.occurred_at < row["last_event_at"]:
            left.append((instruction, event))
            continue
        clock = _Moving(row)
        was_paused = was_paused or clock.state != Clock.State.RUNNING
        _apply(clock, instruction, event.occurred_at)
        for name in OWNER_FIELDS:
            value = getattr(instruction, name, None) or (event.item if name == "policy" else None) or row[name]
            if value != row[name]:
                owners_changed = True
            setattr(clock, name, value)
        batch.append(clock)
    if batch:
        fired = {}
        for clock_id, rung in Alert.objects.filter(clock_id__in=[c.pk for c in batch]).values_list("clock_id", "rung"):
            fired.setdefault(clock_id, set()).add(rung)
        thresholds = Thresholds()
        for clock in batch:
            clock.next_fire_at = next_fire_at(
                clock, thresholds.for_policy(clock.policy), fired.get(clock.pk, set()), shift=thresholds.shift
            )
        # Running clocks (the usual case) only change their due time, next check and last instruction.
        fields = MOVED_FIELDS if was_paused else ["due_at", "last_event_at", "next_fire_at"]
        bulk.update_rows(Clock, batch, fields + (OWNER_FIELDS if owners_changed else []), batch_size=2000)
    return left


def _clock_dict(clock):
    return {
        "key": clock.key,
        "action": clock.action,
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
        "label": clock.label,
        "department_id": clock.department_id,
        "handler_id": clock.handler_id,
        "policy": clock.policy,
    }


def _event_data(row):
    return {
        "source": row.source,
        "id": row.source_id,
        "kind": row.kind,
        "subject": row.subject,
        "occurred_at": row.occurred_at,
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "department_id": row.department_id,
        "from_state": row.from_state,
        "to_state": row.to_state,
        "payload": row.payload,
        "clocks": row.clocks,
    }


def apply_clock(instruction: ClockInstruction, event: ReceivedEvent) -> Clock:
    """Apply one clock instruction. An instruction older than the clock's newest applied one changes nothing."""
    at = event.occurred_at
    policy = instruction.policy or event.item
    clock = Clock.objects.select_for_update().filter(key=instruction.key).first()
    if clock is None:
        clock = Clock(
            key=instruction.key,
            subject=event.subject,
            label=instruction.label,
            policy=policy,
            department_id=instruction.department_id or event.department_id,
            handler_id=instruction.handler_id,
            last_event_at=at,
        )
        if instruction.action != ClockAction.START:
            # Its start never arrived (or arrives later, out of order): keep what we know and say so.
            _unknown_clock_finding(instruction, event)
        _apply(clock, instruction, at)
        clock.save()
        reschedule_clock(clock)
        return clock
    if at < clock.last_event_at:
        logger.info(
            "supervision: %s %s at %s is older than %s, ignored",
            instruction.key,
            instruction.action,
            at,
            clock.last_event_at,
        )
        if instruction.action == ClockAction.START and clock.started_at is None:
            # A start delivered after a later instruction still tells when the clock began.
            clock.started_at = at
            if clock.allowed is None and instruction.due_at:
                clock.allowed = instruction.due_at - at
            clock.save(update_fields=["started_at", "allowed"])
        return clock
    _apply(clock, instruction, at)
    clock.label = instruction.label or clock.label
    clock.policy = policy or clock.policy
    clock.department_id = instruction.department_id or clock.department_id
    clock.handler_id = instruction.handler_id or clock.handler_id
    clock.save()
    reschedule_clock(clock)
    return clock


def _apply(clock, instruction, at):
    action = instruction.action
    clock.last_event_at = at
    if action == ClockAction.START:
        clock.state = Clock.State.RUNNING
        clock.started_at = clock.started_at or at
        clock.due_at = instruction.due_at
        if clock.allowed is None:
            clock.allowed = instruction.due_at - at
        clock.paused_at = clock.stopped_at = None
    elif action == ClockAction.PAUSE:
        if clock.state == Clock.State.RUNNING:
            clock.state = Clock.State.PAUSED
            clock.paused_at = at
    elif action == ClockAction.RESUME:
        if clock.state == Clock.State.PAUSED and clock.paused_at:
            clock.paused_total += at - clock.paused_at
        if clock.state != Clock.State.STOPPED:
            clock.state = Clock.State.RUNNING
            clock.paused_at = None
            clock.due_at = instruction.due_at
    elif action == ClockAction.STOP:
        if clock.state == Clock.State.PAUSED and clock.paused_at:
            clock.paused_total += at - clock.paused_at
        clock.state = Clock.State.STOPPED
        clock.stopped_at = at
        clock.paused_at = None


def _unknown_clock_finding(instruction, event):
    logger.warning("supervision: %s for unknown clock %s (event %s)", instruction.action, instruction.key, event.key)
    record_finding(
        rule="C01",
        title=_("Clock instruction for an unknown clock"),
        severity=Severity.LOW,
        message=_("%(action)s for clock %(key)s, which was never started (or whose start has not arrived yet).")
        % {"action": instruction.action, "key": instruction.key},
        dedupe_key=f"C01:{event.key}:{instruction.key}",
        event=event,
    )
