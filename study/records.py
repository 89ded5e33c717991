"""The study record, read from the ledger: points per day for a cadre (quiz and reading, each within its caps,
which the ledger applied when it credited them) and per department for a period."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from cms.models import ReadRecord
from core.points import PointSource
from directory.models import Cadre, Department
from study.ledger import rule_for
from study.models import PointsEntry

QUIZ_SOURCES = (PointSource.QUIZ, PointSource.DAILY_QUIZ, PointSource.COMPETITION, PointSource.SMS_QUIZ)


def cap(source: PointSource) -> int:
    """A source's daily cap as the rules say now (0: none)."""
    return rule_for(source).daily_cap


def points_per(source: PointSource) -> int:
    return rule_for(source).points


def _kind(source: str) -> str:
    return "quiz_points" if source in QUIZ_SOURCES else "reading_points" if source == PointSource.READING else "other"


def study_record(cadre: Cadre, days: int = 14, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per day (newest first) for the last `days`: pages read, quiz and reading points, and all points that day."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    rows: dict[datetime.date, dict[str, int]] = defaultdict(lambda: {"quiz_points": 0, "reading_points": 0, "other": 0})
    sums = PointsEntry.objects.filter(cadre=cadre, day__gte=since).values("day", "source").annotate(n=Sum("points"))
    for row in sums:
        rows[row["day"]][_kind(row["source"])] += row["n"]
    reads = dict(
        ReadRecord.objects.filter(cadre=cadre, day__gte=since)
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    result = []
    for day in sorted(set(rows) | set(reads), reverse=True):
        row = rows[day]
        result.append(
            {
                "day": day,
                "reads": reads.get(day, 0),
                "quiz_points": row["quiz_points"],
                "reading_points": row["reading_points"],
                "points": row["quiz_points"] + row["reading_points"] + row["other"],
            }
        )
    return result


def department_study_record(since: datetime.date, until: datetime.date) -> list[dict[str, Any]]:
    """Per department (the cadres' current one): cadres, those with points, quiz and reading points, per cadre."""
    rows: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"quiz_points": 0, "reading_points": 0, "other": 0, "cadres": set()}
    )
    sums = (
        PointsEntry.objects.filter(day__range=(since, until))
        .values("cadre__department", "cadre", "source")
        .annotate(n=Sum("points"))
    )
    for row in sums:
        entry = rows[row["cadre__department"]]
        entry[_kind(row["source"])] += row["n"]
        entry["cadres"].add(row["cadre"])
    departments = Department.objects.in_bulk(list(rows))
    headcount = dict(
        Cadre.objects.filter(department__in=list(rows))
        .values("department")
        .annotate(n=Count("pk"))
        .values_list("department", "n")
    )
    result = []
    for pk, entry in rows.items():
        total = entry["quiz_points"] + entry["reading_points"] + entry["other"]
        result.append(
            {
                "department": departments[pk],
                "cadres": headcount.get(pk, 0),
                "active": len(entry["cadres"]),
                "quiz_points": entry["quiz_points"],
                "reading_points": entry["reading_points"],
                "points": total,
                "per_cadre": round(total / headcount[pk], 1) if headcount.get(pk) else 0,
            }
        )
    result.sort(key=lambda r: (-r["per_cadre"], r["department"].path))
    return result
