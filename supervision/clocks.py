"""Clock thresholds: when each rung (warning, yellow card, red card) of a running clock falls due.

A clock's ``next_fire_at`` is the earliest rung it has not fired yet, so the sweeper reads only clocks that are due.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from core import workdays
from supervision.models import Rung, ThresholdPolicy


class Thresholds:
    """The ThresholdPolicy rows, read once: the item's row, else the global row, else the settings' defaults."""

    def __init__(self):
        self.rows = {row.policy: row for row in ThresholdPolicy.objects.all()}
        self.default = self.rows.get("") or ThresholdPolicy(**getattr(settings, "SUPERVISION_DEFAULT_THRESHOLDS", {}))
        self._shifted = {}

    def for_policy(self, policy):
        return self.rows.get(policy or "", self.default)

    def shift(self, moment, n):
        """``_shift_working_days``, each (moment, n) computed once: a batch of clocks shares a few due times."""
        key = (moment, n)
        found = self._shifted.get(key)
        if found is None:
            found = self._shifted[key] = _shift_working_days(moment, n)
        return found


def _shift_working_days(moment, n):
    """The same local time of day, n working days later (earlier when negative)."""
    local = timezone.localtime(moment)
    day = workdays.add_working_days(local.date(), n)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))


def rung_times(clock, policy, shift=None):
    """{rung: when it falls due} for a clock with a due time (`shift`: ``Thresholds.shift``, to reuse its dates)."""
    shift = shift or _shift_working_days
    due = clock.due_at
    by_days = shift(due, -policy.warning_working_days) if policy.warning_working_days else due
    warning = by_days
    if clock.allowed and policy.warning_percent:
        warning = min(warning, due - clock.allowed * (policy.warning_percent / 100))
    red = shift(due, policy.red_working_days) if policy.red_working_days else due
    return {Rung.WARNING: warning, Rung.YELLOW: due, Rung.RED: red}


def next_fire_at(clock, policy, fired, times=None, shift=None):
    """When the sweeper must next look at the clock, given the rungs already fired (None: nothing left to fire)."""
    if clock.state != clock.State.RUNNING or clock.due_at is None:
        return None
    times = times or rung_times(clock, policy, shift)
    pending = [times[rung] for rung in times if rung not in fired]
    return min(pending) if pending else None


def due_rungs(clock, policy, fired, now, times=None):
    times = times or rung_times(clock, policy)
    return [rung for rung in (Rung.WARNING, Rung.YELLOW, Rung.RED) if rung not in fired and times[rung] <= now]


def working_days_overdue(clock, now):
    """Whole working days between the due time and now (0 when not overdue)."""
    if not clock.due_at or now <= clock.due_at:
        return 0
    count, day = 0, timezone.localtime(clock.due_at).date()
    last = timezone.localtime(now).date()
    while day < last and count < 366:
        day += datetime.timedelta(days=1)
        if workdays.is_working_day(day):
            count += 1
    return count
