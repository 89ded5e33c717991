"""Supervision's operations: take in a domain event, run the clocks, sweep for due rungs, notify, open cases."""

import datetime
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.enqueue import enqueue_on_commit
from core.events import ClockAction
from directory.models import Cadre, Department
from directory.roles import ROLES_BY_CODE
from sms.notices import queue_notice
from supervision import audit
from supervision.clocks import Thresholds, due_rungs, next_fire_at, rung_times
from supervision.models import RUNG_ORDER, Alert, Clock, Finding, ReceivedEvent, Rung, Severity, SupervisionCase

logger = logging.getLogger(__name__)


# --- Ingestion ---------------------------------------------------------------------------------------------------


def ingest(event):
    """Record a DomainEvent, chain it, apply its clock instructions and run the rules, in the caller's transaction.

    Returns the ReceivedEvent, or None when this (source, id) was delivered before: a second delivery does nothing.
    """
    from supervision import rules

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
    for instruction in event.clocks:
        apply_clock(instruction, row)
    rules.run_event_rules(row)
    return row


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


def apply_clock(instruction, event):
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
        _reschedule(clock)
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
    _reschedule(clock)
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


def _reschedule(clock, thresholds=None):
    fired = set(clock.alerts.values_list("rung", flat=True)) if clock.pk else set()
    policy = (thresholds or Thresholds()).for_policy(clock.policy)
    when = next_fire_at(clock, policy, fired)
    if when != clock.next_fire_at:
        clock.next_fire_at = when
        Clock.objects.filter(pk=clock.pk).update(next_fire_at=when)


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


def record_finding(
    *, rule, title, severity, message, dedupe_key, event=None, subject="", department_id=None, actor_id=None
):
    """Write a finding once (by dedupe_key) and chain it. Returns the Finding, or None if it existed."""
    if Finding.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not roll back the publisher's transition
            finding = _create_finding(
                rule, title, severity, message, dedupe_key, event, subject, department_id, actor_id
            )
    except IntegrityError:
        return None
    audit.append(
        "finding",
        f"supervision.finding:{finding.pk}",
        {
            "rule": rule,
            "severity": severity,
            "message": finding.message,
            "subject": finding.subject,
            "event": event.key if event else None,
            "department_id": finding.department_id,
            "actor_id": finding.actor_id,
        },
    )
    return finding


def _create_finding(rule, title, severity, message, dedupe_key, event, subject, department_id, actor_id):
    return Finding.objects.create(
        rule=rule,
        title=str(title)[:200],
        severity=severity,
        message=str(message)[:500],
        subject=event.subject if event else subject,
        event=event,
        department_id=event.department_id if event and department_id is None else department_id,
        actor_id=event.actor_id if event and actor_id is None else actor_id,
        dedupe_key=dedupe_key,
    )


# The backstop of a reschedule: first run when the after-commit task has had ample time, then every few minutes
# until one run completes (a task popped off Redis is gone if its worker dies or Redis restarts).
RESCHEDULE_BACKSTOP_DELAY = datetime.timedelta(minutes=2)
RESCHEDULE_BACKSTOP_MINUTES = 10


def _reschedule_name(policy):
    return f"supervision.reschedule:{policy or '-'}"[:100]


def request_reschedule(policy):
    """Have the clocks of a changed threshold policy rescheduled, surely: a task after commit, and a schedule written
    in the caller's transaction that repeats it until a run completes (``reschedule_done``), so neither a broker
    outage nor a lost task leaves clocks on the old thresholds."""
    from django_q.models import Schedule

    generation = uuid.uuid4().hex
    Schedule.objects.update_or_create(
        name=_reschedule_name(policy),
        defaults={
            "func": "supervision.tasks.reschedule_policy",
            "args": repr((policy, generation)),
            "schedule_type": Schedule.MINUTES,
            "minutes": RESCHEDULE_BACKSTOP_MINUTES,
            "repeats": -1,
            "next_run": timezone.now() + RESCHEDULE_BACKSTOP_DELAY,
        },
    )
    enqueue_on_commit("supervision.tasks.reschedule_policy", policy, generation)


def reschedule_done(policy, generation):
    """Remove the backstop, unless the policy changed again since this run was asked for (then it runs once more)."""
    from django_q.models import Schedule

    Schedule.objects.filter(name=_reschedule_name(policy), args=repr((policy, generation))).delete()


def reschedule_policy(policy, chunk=2000):
    """Recompute next_fire_at of the running clocks a threshold change affects ("" = every clock on the defaults).

    In chunks: one query for the chunk's fired rungs and one UPDATE for its new times, so a million clocks take
    minutes in a task rather than hours.
    """
    thresholds = Thresholds()
    clocks = Clock.objects.filter(state=Clock.State.RUNNING).order_by("pk")
    if policy:
        clocks = clocks.filter(policy=policy)
    else:
        clocks = clocks.exclude(policy__in=[p for p in thresholds.rows if p])
    count, last_pk = 0, 0
    while True:
        batch = list(clocks.filter(pk__gt=last_pk)[:chunk])
        if not batch:
            return count
        fired = {}
        for clock_id, rung in Alert.objects.filter(clock__in=batch).values_list("clock_id", "rung"):
            fired.setdefault(clock_id, set()).add(rung)
        with transaction.atomic():
            for clock in batch:
                clock.next_fire_at = next_fire_at(
                    clock, thresholds.for_policy(clock.policy), fired.get(clock.pk, set())
                )
            _update_schedule(batch)
        count += len(batch)
        last_pk = batch[-1].pk


# --- The sweeper -------------------------------------------------------------------------------------------------

SWEEP_BATCH = 1000
THIRTY_DAYS = datetime.timedelta(days=30)


def sweep(now=None, batch=SWEEP_BATCH, max_batches=50):
    """Fire every due rung. Reads only clocks whose next_fire_at has passed (an indexed range), in batches.

    Returns the number of alerts fired. Notifications go out in a follow-up task, after commit.
    """
    now = now or timezone.now()
    fired_total = 0
    thresholds = Thresholds()
    for _batch in range(max_batches):
        with transaction.atomic():
            fired, seen = _sweep_batch(now, batch, thresholds)
        fired_total += fired
        if seen < batch:
            break
    return fired_total


def _sweep_batch(now, batch, thresholds):
    due = Clock.objects.filter(next_fire_at__lte=now).order_by("next_fire_at")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    clocks = list(due[:batch])
    if not clocks:
        return 0, 0
    fired_before = {}
    for clock_id, rung in Alert.objects.filter(clock__in=clocks).values_list("clock_id", "rung"):
        fired_before.setdefault(clock_id, set()).add(rung)
    # Yellow cards per department over the last 30 days, for "red on the n-th yellow".
    departments = {c.department_id for c in clocks if c.department_id}
    yellows = dict(
        Alert.objects.filter(department_id__in=departments, rung=Rung.YELLOW, fired_at__gt=now - THIRTY_DAYS)
        .values_list("department_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    alerts = []
    reason_text = {rung: _reason(rung) for rung in RUNG_ORDER}
    for clock in clocks:
        policy = thresholds.for_policy(clock.policy)
        fired = fired_before.get(clock.pk, set())
        times = rung_times(clock, policy) if clock.due_at else None
        rungs = due_rungs(clock, policy, fired, now, times) if times else []
        reasons = {rung: reason_text[rung] for rung in rungs}
        if Rung.YELLOW in rungs and Rung.RED not in rungs and Rung.RED not in fired and clock.department_id:
            yellows[clock.department_id] = yellows.get(clock.department_id, 0) + 1
            if policy.yellow_cards_for_red and yellows[clock.department_id] >= policy.yellow_cards_for_red:
                rungs.append(Rung.RED)
                reasons[Rung.RED] = _("%(n)dth yellow card of the department within 30 days") % {
                    "n": yellows[clock.department_id]
                }
        for rung in rungs:
            alerts.append(
                Alert(
                    clock=clock,
                    rung=rung,
                    reason=reasons[rung],
                    department_id=clock.department_id,
                    handler_id=clock.handler_id,
                    fired_at=now,
                )
            )
        fired = fired | set(rungs)
        top = max(fired, key=RUNG_ORDER.index) if fired else ""
        clock.level = top
        clock.next_fire_at = next_fire_at(clock, policy, fired, times)
    # The unique (clock, rung) constraint makes a double firing fail the batch rather than happen.
    Alert.objects.bulk_create(alerts)
    _update_schedule(clocks)
    audit.append_many(
        [
            (
                "alert",
                f"supervision.clock:{a.clock_id}:{a.rung}",
                {
                    "clock": a.clock.key,
                    "rung": a.rung,
                    "reason": a.reason,
                    "due_at": a.clock.due_at,
                    "department_id": a.department_id,
                    "handler_id": a.handler_id,
                },
            )
            for a in alerts
        ],
        at=now,
    )
    if alerts:
        # Not queued during a broker outage: the alerts stay unnotified for the 5-minute supervision.notify schedule.
        enqueue_on_commit("supervision.tasks.notify_alerts")
    return len(alerts), len(clocks)


def _update_schedule(clocks):
    """level and next_fire_at of many clocks in one UPDATE ... FROM (VALUES ...): bulk_update's CASE is far slower."""
    if not clocks:
        return
    table = connection.ops.quote_name(Clock._meta.db_table)
    field = Clock._meta.get_field("next_fire_at")
    rows, params = [], []
    for clock in clocks:
        rows.append("(%s, %s, %s)")
        params += [clock.pk, clock.level, field.get_db_prep_value(clock.next_fire_at, connection)]
    cast = "::timestamptz" if connection.vendor == "postgresql" else ""
    sql = (
        f"WITH v(id, level, next_fire_at) AS (VALUES {', '.join(rows)}) "
        f"UPDATE {table} SET level = v.level, next_fire_at = v.next_fire_at{cast} FROM v WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _reason(rung):
    return {
        Rung.WARNING: _("Time limit nearly reached"),
        Rung.YELLOW: _("Time limit passed"),
        Rung.RED: _("Overdue beyond the red-card limit"),
    }[rung]


# --- Notifications -----------------------------------------------------------------------------------------------


def supervisors_for(department):
    """Users in the supervisor role whose cadre sits in the department or one of its ancestors; when there are
    none, every supervisor with a cadre (the discipline commission watches every department)."""
    cadres = Cadre.objects.filter(
        user__is_active=True, user__groups__name=ROLES_BY_CODE["supervisor"].name
    ).select_related("user")
    if department is not None:
        codes = [code for code in department.path.split("/") if code]
        line = list(cadres.filter(department__code__in=codes))
        if line:
            return line
    return list(cadres)


def notify_alerts(limit=500):
    """SMS the handler and the department's supervisors for each alert not yet notified. Idempotent per key."""
    sent = 0
    with transaction.atomic():
        pending = Alert.objects.filter(notified_at__isnull=True).select_related("clock").order_by("fired_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            # The after-commit task and the 5-minute schedule may overlap: each takes different alerts.
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        alerts = list(pending[:limit])
        departments = Department.objects.in_bulk({a.department_id for a in alerts if a.department_id})
        handler_cadres = {
            c.user_id: c for c in Cadre.objects.filter(user_id__in={a.handler_id for a in alerts if a.handler_id})
        }
        supervisors_cache = {}
        for alert in alerts:
            department = departments.get(alert.department_id)
            if alert.department_id not in supervisors_cache:
                supervisors_cache[alert.department_id] = supervisors_for(department)
            recipients = []
            handler = handler_cadres.get(alert.handler_id)
            if handler is not None:
                recipients.append(handler)
            recipients += [c for c in supervisors_cache[alert.department_id] if c not in recipients]
            body = alert_text(alert, department)
            for cadre in recipients:
                queue_notice(
                    f"supervision.clock:{alert.clock_id}:{alert.rung}:{cadre.pk}", str(cadre.phone), body, cadre=cadre
                )
            alert.notified_at = timezone.now()
            alert.recipients = [c.name for c in recipients]
            sent += len(recipients)
        Alert.objects.bulk_update(alerts, ["notified_at", "recipients"])
    return sent


def alert_text(alert, department=None):
    clock = alert.clock
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") if clock.due_at else "—"
    return _("[%(rung)s] %(label)s%(department)s: due %(due)s. %(reason)s. Please deal with it at once.") % {
        "rung": alert.get_rung_display(),
        "label": clock.label or clock.key,
        "department": f"（{department.short_name or department.name}）" if department else "",
        "due": due,
        "reason": alert.reason,
    }


# --- Special supervision cases -----------------------------------------------------------------------------------


class CaseError(Exception):
    pass


def open_case(findings, *, title, by, notes=""):
    """Open a special supervision case (专项监察) on findings; each finding joins at most one case."""
    title = (title or "").strip()
    if not title:
        raise CaseError(_("Give the case a title."))
    findings = list(findings)
    if not findings:
        raise CaseError(_("Choose at least one finding."))
    with transaction.atomic():
        locked = list(Finding.objects.select_for_update().filter(pk__in=[f.pk for f in findings]))
        if any(f.case_id for f in locked):
            raise CaseError(_("A chosen finding already belongs to a case."))
        case = SupervisionCase.objects.create(title=title, notes=notes, opened_by=by)
        Finding.objects.filter(pk__in=[f.pk for f in locked]).update(case=case, status=Finding.Status.IN_CASE)
        audit.append(
            "case.opened",
            f"supervision.case:{case.pk}",
            {"title": title, "findings": sorted(f.pk for f in locked), "by": getattr(by, "pk", None)},
        )
    return case


def close_case(case, *, outcome, accountability, by, accountable_person=""):
    outcome = (outcome or "").strip()
    if not outcome:
        raise CaseError(_("Record the outcome before closing the case."))
    if accountability not in SupervisionCase.Accountability.values:
        raise CaseError(_("Choose the accountability decided."))
    with transaction.atomic():
        case = SupervisionCase.objects.select_for_update().get(pk=case.pk)
        if case.status == SupervisionCase.Status.CLOSED:
            raise CaseError(_("This case is already closed."))
        case.status = SupervisionCase.Status.CLOSED
        case.outcome = outcome
        case.accountability = accountability
        case.accountable_person = accountable_person
        case.closed_by = by
        case.closed_at = timezone.now()
        case.save()
        audit.append(
            "case.closed",
            f"supervision.case:{case.pk}",
            {
                "outcome": outcome,
                "accountability": accountability,
                "person": accountable_person,
                "by": getattr(by, "pk", None),
            },
        )
    return case


def save_case_notes(case, notes, by):
    with transaction.atomic():
        SupervisionCase.objects.filter(pk=case.pk).update(notes=notes)
        audit.append("case.notes", f"supervision.case:{case.pk}", {"notes": notes, "by": getattr(by, "pk", None)})


def dismiss_finding(finding, by, reason=""):
    """Close an open finding as needing no action; the reason goes into the audit trail. False if it was not open."""
    with transaction.atomic():
        changed = Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(
            status=Finding.Status.DISMISSED
        )
        if changed:
            audit.append(
                "finding.dismissed",
                f"supervision.finding:{finding.pk}",
                {"by": getattr(by, "pk", None), "reason": reason},
            )
    return bool(changed)


def default_thresholds():
    return getattr(settings, "SUPERVISION_DEFAULT_THRESHOLDS", {})
