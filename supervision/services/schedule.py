"""When each clock fires next: after each instruction, and for every clock a changed threshold policy affects."""

import datetime
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.enqueue import enqueue_on_commit
from supervision.clocks import Thresholds, next_fire_at
from supervision.models import Alert, Clock


def reschedule_clock(clock: Clock, thresholds: Thresholds | None = None) -> None:
    """Store when the clock fires next, given the rungs it has already fired."""
    fired = set(clock.alerts.values_list("rung", flat=True)) if clock.pk else set()
    policy = (thresholds or Thresholds()).for_policy(clock.policy)
    when = next_fire_at(clock, policy, fired)
    if when != clock.next_fire_at:
        clock.next_fire_at = when
        Clock.objects.filter(pk=clock.pk).update(next_fire_at=when)


# The backstop of a reschedule: first run when the after-commit task has had ample time, then every few minutes
# until one run completes (a task popped off Redis is gone if its worker dies or Redis restarts).
RESCHEDULE_BACKSTOP_DELAY = datetime.timedelta(minutes=2)
RESCHEDULE_BACKSTOP_MINUTES = 10


def _reschedule_name(policy):
    return f"supervision.reschedule:{policy or '-'}"[:100]


def request_reschedule(policy: str) -> None:
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


def reschedule_done(policy: str, generation: str) -> None:
    """Remove the backstop, unless the policy changed again since this run was asked for (then it runs once more)."""
    from django_q.models import Schedule

    Schedule.objects.filter(name=_reschedule_name(policy), args=repr((policy, generation))).delete()


def reschedule_policy(policy: str, chunk: int = 2000) -> int:
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
            update_schedule(batch)
        count += len(batch)
        last_pk = batch[-1].pk


def update_schedule(clocks: list[Clock]) -> None:
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


def default_thresholds() -> dict:
    return getattr(settings, "SUPERVISION_DEFAULT_THRESHOLDS", {})
