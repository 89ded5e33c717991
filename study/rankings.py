"""Rankings of study points (学习积分排行): people and departments, by week, month or year.

Read from ``PointsTotal`` (kept as entries are credited), so a ranking reads one period's rows, never the ledger;
departments, on PostgreSQL, from ``DepartmentTotal`` (kept by the database), one row per department.
A department is ranked by its members' average (the points of the cadres who earned any in the period, divided by
their number) and only with at least ``MIN_PARTICIPANTS`` of them, so a unit of one keen cadre does not top it.
A cadre counts for the department they belong to now: the department ranking joins each total to the cadre's row
at the time of asking (on PostgreSQL: triggers move the cadre's totals in the statement that moves the cadre), so a
move made any way at all (a form, a bulk import, ``QuerySet.update``, SQL) counts at
once, with nothing to keep in step.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from directory.models import Cadre, Department
from study.ledger import periods
from study.models import DepartmentTotal, PointsTotal

MIN_PARTICIPANTS = getattr(settings, "STUDY_MIN_PARTICIPANTS", 3)
KINDS = ("week", "month", "year")


@dataclass(frozen=True)
class Row:
    rank: int
    name: str
    department: str
    points: int
    participants: int = 0
    per_member: float = 0
    is_me: bool = False


def period_of(kind: str, today: datetime.date | None = None) -> str:
    return periods(today or timezone.localdate())[KINDS.index(kind)]


def people(period: str, *, limit: int = 20, me: Cadre | None = None) -> list[Row]:
    """The top cadres of a period; equal points share a rank."""
    rows = (
        PointsTotal.objects.filter(period=period)
        .select_related("cadre__department")
        .order_by("-points", "cadre_id")[:limit]
    )
    result, rank, previous = [], 0, None
    for position, row in enumerate(rows, start=1):
        if row.points != previous:
            rank, previous = position, row.points
        result.append(
            Row(
                rank=rank,
                name=row.cadre.name,
                department=row.cadre.department.short_name or row.cadre.department.name,
                points=row.points,
                is_me=me is not None and row.cadre_id == me.pk,
            )
        )
    return result


def my_rank(period: str, cadre: Cadre) -> Row | None:
    """The cadre's own rank in a period (also outside the top), None without points."""
    mine = PointsTotal.objects.filter(period=period, cadre=cadre).values_list("points", flat=True).first()
    if not mine:
        return None
    above = PointsTotal.objects.filter(period=period, points__gt=mine).count()
    return Row(rank=above + 1, name=cadre.name, department=cadre.department.name, points=mine, is_me=True)


def departments(
    period: str, *, min_participants: int = MIN_PARTICIPANTS, limit: int = 20, me: Cadre | None = None
) -> list[Row]:
    """Departments by their participants' average points, those with at least `min_participants` of them."""
    ranked = sorted(
        _department_sums(period, max(min_participants, 1)),
        key=lambda r: (-r["total"] / r["participants"], r["department"]),
    )[:limit]
    names = dict(
        Department.objects.filter(pk__in=[r["department"] for r in ranked])
        .annotate(label=Coalesce(NullIf("short_name", Value("")), "name"))
        .values_list("pk", "label")
    )
    result, rank, previous = [], 0, None
    for position, row in enumerate(ranked, start=1):
        average = round(row["total"] / row["participants"], 1)
        if average != previous:
            rank, previous = position, average
        result.append(
            Row(
                rank=rank,
                name="",
                department=names[row["department"]],
                points=row["total"],
                participants=row["participants"],
                per_member=average,
                is_me=me is not None and row["department"] == me.department_id,
            )
        )
    return result


def _department_sums(period: str, min_participants: int) -> list[dict]:
    """Each department's points in the period and its participants (cadres with points, by their department now).

    PostgreSQL keeps them per department (``DepartmentTotal``, by triggers): one row per department to read.
    Elsewhere they are summed from the cadres' totals joined to the cadres, which reads every total of the period.
    """
    if connection.vendor == "postgresql":
        return list(
            DepartmentTotal.objects.filter(period=period, participants__gte=min_participants).values(
                "department", "participants", total=F("points")
            )
        )
    return _department_sums_joined(period, min_participants)


def _department_sums_joined(period: str, min_participants: int) -> list[dict]:
    return list(
        PointsTotal.objects.filter(period=period, points__gt=0)
        .values(department=F("cadre__department"))
        .annotate(total=Sum("points"), participants=Count("*"))
        .filter(participants__gte=min_participants)
    )
