"""The sweeper: fire every due rung (warning, yellow card, red card) of the clocks whose next firing time has passed."""

import datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.enqueue import enqueue_on_commit
from supervision import audit
from supervision.clocks import Thresholds, due_rungs, next_fire_at, rung_times
from supervision.models import RUNG_ORDER, Alert, Clock, Rung
from supervision.services.schedule import update_schedule

SWEEP_BATCH = 1000
THIRTY_DAYS = datetime.timedelta(days=30)


def sweep(now: datetime.datetime | None = None, batch: int = SWEEP_BATCH, max_batches: int = 50) -> int:
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
    update_schedule(clocks)
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


def _reason(rung):
    return {
        Rung.WARNING: _("Time limit nearly reached"),
        Rung.YELLOW: _("Time limit passed"),
        Rung.RED: _("Overdue beyond the red-card limit"),
    }[rung]
