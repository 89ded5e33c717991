"""The public performance report (阳光政务): for the city and each department, by month, what online approval did.

Figures (a unit is a department; the city is every application together):
- items: the unit's published approval items (counted when the month was last computed);
- applications handled: applications completed (办结) in the month, counted for the department responsible for
  the item;
- on-time rate: the share of those completed no later than their promised time (``due_at``, which supplements
  move on by the time they paused);
- time used against the promise: (completed - accepted) / (promised time - accepted), averaged (100% = all the
  time promised); ``promised_days_average`` is the average promised limit in working days of those applications;
- ratings (好差评): every rating given in the month to the unit (a step's to the step's department, a whole
  case's to the item's): count, average stars (1-5) and the share of bad ratings (1 or 2 stars); of the bad ones,
  how many the unit answered (checked, put right, called the applicant back) by their due time (差评按期整改回访;
  a month's count grows while its answers fall due);
- complaints: received in the month naming the unit as the department concerned, and concluded substantiated or
  partly substantiated in the month, from the complaints platform through ``core.figures`` (the city's count
  includes complaints naming no department).

The minimum-volume rule of supervision (``core.figures.minimum_volume``, SUPERVISION_MIN_VOLUME) applies: with fewer
applications handled than the minimum a unit is listed without on-time rate or time used, and with fewer ratings
without average or bad share; its counts are still shown.

The figures are precomputed into ``MonthlyFigures`` (``refresh``: every hour for this month and the last, and by
``manage.py performance_figures``), so a page reads a few hundred rows, in a fixed number of queries, however many
applications and departments there are.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Application, ApprovalItem, MonthlyFigures, Rating, State
from core import figures as shared_figures

COMPLAINTS = "complaints.by_department"
MONTHS_SHOWN = 12


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime(month.year, month.month, 1))
    following = add_months(month, 1)
    return start, timezone.make_aware(datetime.datetime(following.year, following.month, 1))


def recent_months(n: int = MONTHS_SHOWN, today: datetime.date | None = None) -> list[datetime.date]:
    """The n months up to this one, oldest first."""
    this = first_of_month(today or timezone.localdate())
    return [add_months(this, -k) for k in range(n - 1, -1, -1)]


def _local_month(moment):
    return timezone.localtime(moment).date().replace(day=1)


class _Sums:
    __slots__ = (
        "handled",
        "on_time",
        "time_ratio_sum",
        "time_ratio_count",
        "promised_days_sum",
        "ratings",
        "stars_sum",
        "bad_ratings",
        "bad_answered_on_time",
        "complaints_received",
        "complaints_substantiated",
    )

    def __init__(self):
        for name in self.__slots__:
            setattr(self, name, 0)

    def add(self, other):
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def refresh(months: list[datetime.date] | None = None) -> int:
    """Recompute the figures of these months (default: this month and the last) in one transaction; returns the
    number of rows written. Safe to run twice: the months' rows are replaced."""
    months = sorted({first_of_month(m) for m in (months or recent_months(2))})
    start, end = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    wanted = set(months)
    sums = defaultdict(_Sums)  # (department_id, month) -> sums
    completed = Application.objects.filter(state=State.COMPLETED, completed_at__gte=start, completed_at__lt=end)
    for department, accepted, done, due, promised in completed.values_list(
        "item__department_id", "accepted_at", "completed_at", "due_at", "item__promised_days"
    ).iterator(chunk_size=5000):
        month = _local_month(done)
        if month not in wanted:
            continue
        row = sums[department, month]
        row.handled += 1
        row.promised_days_sum += promised or 0
        if due is not None and done <= due:
            row.on_time += 1
        if accepted is not None and due is not None and due > accepted:
            row.time_ratio_sum += (done - accepted) / (due - accepted)
            row.time_ratio_count += 1
    given = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    for department, at, stars, bad, due, answered in given.values_list(
        "department_id", "created_at", "stars", "is_bad", "answer_due_at", "answered_at"
    ).iterator():
        row = sums[department, _local_month(at)]
        row.ratings += 1
        row.stars_sum += stars
        row.bad_ratings += 1 if bad else 0
        row.bad_answered_on_time += 1 if bad and answered is not None and due is not None and answered <= due else 0
    for (department, month), counts in shared_figures.collect(COMPLAINTS, start, end).items():
        if month in wanted:
            row = sums[department, month]
            row.complaints_received += counts.get("received", 0)
            row.complaints_substantiated += counts.get("substantiated", 0)
    items = dict(
        ApprovalItem.objects.filter(is_published=True)
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
        .order_by()
    )
    now = timezone.now()
    rows = []
    for month in months:
        city = _Sums()
        departments = {d for d, m in sums if m == month and d is not None} | set(items)
        for department in departments:
            unit = sums.get((department, month)) or _Sums()
            city.add(unit)
            rows.append(_row(month, department, items.get(department, 0), unit, now))
        if (None, month) in sums:
            city.add(sums[None, month])  # complaints naming no department: the city's only
        rows.append(_row(month, None, sum(items.values()), city, now))
    with transaction.atomic():
        MonthlyFigures.objects.filter(month__in=months).delete()
        MonthlyFigures.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _row(month, department_id, items, sums, now):
    return MonthlyFigures(
        month=month,
        department_id=department_id,
        items=items,
        computed_at=now,
        **{name: getattr(sums, name) for name in _Sums.__slots__},
    )


# --- Reading ---------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """A unit's month as published: counts, and the rates the minimum-volume rule allows (None: not given)."""

    month: datetime.date
    items: int = 0
    handled: int = 0
    on_time: int = 0
    on_time_rate: float | None = None
    time_used: float | None = None
    promised_days: float | None = None
    ratings: int = 0
    average_stars: float | None = None
    bad_share: float | None = None
    bad_ratings: int = 0
    bad_answered_on_time: int = 0
    complaints_received: int = 0
    complaints_substantiated: int = 0
    below_minimum: bool = True
    ratings_below_minimum: bool = True

    @classmethod
    def of(cls, row: MonthlyFigures, minimum: int) -> "Figures":
        enough, rated = row.handled >= minimum, row.ratings >= minimum
        return cls(
            month=row.month,
            items=row.items,
            handled=row.handled,
            on_time=row.on_time,
            on_time_rate=row.on_time / row.handled if enough else None,
            time_used=row.time_ratio_sum / row.time_ratio_count if enough and row.time_ratio_count else None,
            promised_days=row.promised_days_sum / row.handled if row.handled else None,
            ratings=row.ratings,
            average_stars=row.stars_sum / row.ratings if rated else None,
            bad_share=row.bad_ratings / row.ratings if rated else None,
            bad_ratings=row.bad_ratings,
            bad_answered_on_time=row.bad_answered_on_time,
            complaints_received=row.complaints_received,
            complaints_substantiated=row.complaints_substantiated,
            below_minimum=not enough,
            ratings_below_minimum=not rated,
        )


@dataclass
class Unit:
    code: str  # "city" or the department's code
    name: str
    sort_key: str
    by_month: dict = field(default_factory=dict)

    def at(self, month):
        return self.by_month.get(month) or Figures(month=month)

    def series(self, months):
        return [self.at(m) for m in months]


@dataclass
class Report:
    months: list
    city: Unit
    departments: list
    minimum: int
    computed_at: datetime.datetime | None

    def unit(self, code):
        if code in ("", "city", None):
            return self.city
        return next((u for u in self.departments if u.code == code), None)


CITY_NAME = _("The whole city")


def report(months: list[datetime.date] | None = None) -> Report:
    """The stored figures of these months (default: the last twelve) for the city and every department: one query."""
    months = months or recent_months()
    minimum = shared_figures.minimum_volume()
    city = Unit("city", str(CITY_NAME), "")
    units, computed_at = {}, None
    rows = MonthlyFigures.objects.filter(month__in=months).select_related("department")
    for row in rows:
        computed_at = max(filter(None, [computed_at, row.computed_at]))
        if row.department is None:
            unit = city
        else:
            key = row.department_id
            if key not in units:
                units[key] = Unit(row.department.code, row.department.name, row.department.path)
            unit = units[key]
        unit.by_month[row.month] = Figures.of(row, minimum)
    departments = sorted(units.values(), key=lambda u: (u.sort_key, u.name))
    return Report(months=months, city=city, departments=departments, minimum=minimum, computed_at=computed_at)


def stored_months() -> list[datetime.date]:
    """Every month with stored figures, oldest first (one query)."""
    return list(MonthlyFigures.objects.order_by("month").values_list("month", flat=True).distinct())
