"""Crediting the points ledger and reading it back: totals by day, week and year, and the detail (积分明细).

Every point is a ``PointsEntry`` for one event of a source. ``credit`` prices the event with the source's
``PointsRule`` (points per action or the event's own points, the per-action limit, the daily cap), writes the row
at most once (the unique constraint on cadre, source and key, checked under a lock on the cadre), and keeps the
cadre's ``PointsTotal`` of the week, month and year in step, in the caller's transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from core.points import PointSource
from directory.models import Cadre
from study.models import PointsEntry, PointsRule, PointsTotal


def periods(day: datetime.date) -> tuple[str, str, str]:
    """The week, month and year a day counts towards, as PointsTotal keys."""
    year, week, _weekday = day.isocalendar()
    return f"w{year}-{week:02d}", f"m{day.year}-{day.month:02d}", f"y{day.year}"


# The rules a fresh site starts with (the migration writes them as rows the admin edits): source ->
# (points per action, 0 for the action's own; limit per action; daily cap), 0 meaning none.
DEFAULT_RULES = {
    PointSource.READING: (2, 0, 20),
    PointSource.VIDEO: (1, 0, 30),
    PointSource.QUIZ: (0, 0, 60),
    PointSource.DAILY_QUIZ: (0, 0, 60),
    PointSource.COMPETITION: (0, 0, 100),
    PointSource.SMS_QUIZ: (0, 0, 10),
    PointSource.STREAK: (2, 0, 2),
    PointSource.TASK: (10, 0, 0),
}


def rule_for(source: PointSource) -> PointsRule:
    """The source's rule as edited in the admin, or its default when nobody has written one."""
    return PointsRule.objects.filter(source=source).first() or _default_rule(source)


def _default_rule(source: PointSource) -> PointsRule:
    points, limit, cap = DEFAULT_RULES[source]
    return PointsRule(source=source, points=points, max_per_event=limit, daily_cap=cap)


def rules() -> list[PointsRule]:
    """Every source's rule, edited or default, in the order of the sources."""
    edited = {rule.source: rule for rule in PointsRule.objects.all()}
    return [edited.get(source) or _default_rule(source) for source in DEFAULT_RULES]


def price(rule: PointsRule, points: int) -> int:
    """What one action earns under a rule, before the daily cap."""
    if rule.source == PointSource.VIDEO:  # points per minute watched
        amount = rule.points * max(points, 0)
    else:
        amount = rule.points or max(points, 0)
    if rule.max_per_event:
        amount = min(amount, rule.max_per_event)
    return amount


def credit(
    *,
    cadre_id: int,
    source: PointSource,
    key: str,
    day: datetime.date,
    points: int = 0,
    at: datetime.datetime | None = None,
) -> PointsEntry | None:
    """Credit one event to a cadre: the new entry, or None when it earns nothing or was credited already.

    ``points`` is the event's own value (a quiz score, minutes watched for video): the rule decides what it is
    worth. The daily cap is per source and day; an event over the cap earns what is left of it.
    """
    rule = rule_for(source)
    if not rule.is_active:
        return None
    amount = price(rule, points)
    if amount <= 0:
        return None
    at = at or timezone.now()
    with transaction.atomic():
        # One cadre's credits in turn: the cap is read and written as one step.
        if not Cadre.objects.select_for_update().filter(pk=cadre_id).exists():
            return None
        mine = PointsEntry.objects.filter(cadre_id=cadre_id, source=source)
        if mine.filter(key=key).exists():
            return None
        if rule.daily_cap:
            earned = mine.filter(day=day).aggregate(n=Sum("points"))["n"] or 0
            amount = min(amount, rule.daily_cap - earned)
            if amount <= 0:
                return None
        first_today = not PointsEntry.objects.filter(cadre_id=cadre_id, day=day).exists()
        entry = PointsEntry.objects.create(
            cadre_id=cadre_id, source=source, key=key, day=day, points=amount, created_at=at
        )
        _add_to_totals(cadre_id, day, amount)
        if first_today and source != PointSource.STREAK:
            _credit_streak(cadre_id, day, at)
    return entry


def _add_to_totals(cadre_id: int, day: datetime.date, amount: int) -> None:
    for period in periods(day):
        if not PointsTotal.objects.filter(cadre_id=cadre_id, period=period).update(points=F("points") + amount):
            PointsTotal.objects.create(cadre_id=cadre_id, period=period, points=amount)


def _credit_streak(cadre_id: int, day: datetime.date, at: datetime.datetime) -> None:
    """Studying today after studying yesterday earns the streak rule's points, once a day."""
    yesterday = day - datetime.timedelta(days=1)
    if PointsEntry.objects.filter(cadre_id=cadre_id, day=yesterday).exists():
        credit(cadre_id=cadre_id, source=PointSource.STREAK, key=f"streak:{day.isoformat()}", day=day, at=at)


@dataclass(frozen=True)
class Totals:
    today: int
    week: int
    month: int
    year: int
    all_time: int


def totals(cadre: Cadre, today: datetime.date | None = None, *, today_points: int | None = None) -> Totals:
    """A cadre's points today, this week, month and year, and in all: two indexed queries, one when the caller
    knows today's points already (the sum of ``source_totals``)."""
    today = today or timezone.localdate()
    week, month, year = periods(today)
    by_period = dict(
        PointsTotal.objects.filter(Q(period__startswith="y") | Q(period__in=[week, month]), cadre=cadre).values_list(
            "period", "points"
        )
    )
    day = today_points
    if day is None:
        day = PointsEntry.objects.filter(cadre=cadre, day=today).aggregate(n=Sum("points"))["n"] or 0
    return Totals(
        today=day,
        week=by_period.get(week, 0),
        month=by_period.get(month, 0),
        year=by_period.get(year, 0),
        all_time=sum(points for period, points in by_period.items() if period.startswith("y")),
    )


def entries(cadre: Cadre, *, offset: int = 0, limit: int = 20) -> list[PointsEntry]:
    """The cadre's ledger, newest first (积分明细)."""
    return list(PointsEntry.objects.filter(cadre=cadre).order_by("-day", "-id")[offset : offset + limit])


def source_totals(cadre: Cadre, day: datetime.date | None = None) -> dict[str, int]:
    """Points per source on a day (today by default): what the cadre earned of each daily cap."""
    day = day or timezone.localdate()
    rows = PointsEntry.objects.filter(cadre=cadre, day=day).values("source").annotate(n=Sum("points"))
    return {row["source"]: row["n"] for row in rows}
