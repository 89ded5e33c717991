"""The study record: quiz points a cadre earned per day (written when an attempt or an SMS answer is scored) and
reading points from the pages they opened (cms.ReadRecord), each capped per day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Sum
from django.db.models.functions import Least
from django.utils import timezone

from cms.models import ReadRecord
from directory.models import Cadre, Department
from quizzes.models import StudyDay

QUIZ_DAILY_CAP = getattr(settings, "STUDY_QUIZ_DAILY_CAP", 60)
READING_POINTS = getattr(settings, "STUDY_READING_POINTS", 2)
READING_DAILY_CAP = getattr(settings, "STUDY_READING_DAILY_CAP", 20)


def add_study_points(cadre_id: int, day: datetime.date, points: int) -> None:
    if points <= 0:
        return
    row, created = StudyDay.objects.get_or_create(cadre_id=cadre_id, day=day, defaults={"quiz_points": points})
    if not created:
        StudyDay.objects.filter(pk=row.pk).update(quiz_points=F("quiz_points") + points)


def study_record(cadre: Cadre, days: int = 14, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per day (newest first) for the last `days`: quiz and reading points, each capped per day, and their sum."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    quiz = dict(StudyDay.objects.filter(cadre=cadre, day__gte=since).values_list("day", "quiz_points"))
    reads = dict(
        ReadRecord.objects.filter(cadre=cadre, day__gte=since)
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    rows = []
    for day in sorted(set(quiz) | set(reads), reverse=True):
        quiz_points = min(quiz.get(day, 0), QUIZ_DAILY_CAP)
        reading_points = min(reads.get(day, 0) * READING_POINTS, READING_DAILY_CAP)
        rows.append(
            {
                "day": day,
                "reads": reads.get(day, 0),
                "quiz_points": quiz_points,
                "reading_points": reading_points,
                "points": quiz_points + reading_points,
            }
        )
    return rows


def department_study_record(since: datetime.date, until: datetime.date) -> list[dict[str, Any]]:
    """Per department: cadres with points, capped quiz points and capped reading points between two days."""
    rows = defaultdict(lambda: {"quiz_points": 0, "reading_points": 0, "cadres": set()})
    quiz = (
        StudyDay.objects.filter(day__range=(since, until))
        .values("cadre__department", "cadre")
        .annotate(points=Sum(Least("quiz_points", QUIZ_DAILY_CAP)))
    )
    for row in quiz:
        entry = rows[row["cadre__department"]]
        entry["quiz_points"] += row["points"] or 0
        entry["cadres"].add(row["cadre"])
    reads = (
        ReadRecord.objects.filter(day__range=(since, until))
        .values("cadre__department", "cadre", "day")
        .annotate(n=Count("pk"))
    )
    for row in reads:
        entry = rows[row["cadre__department"]]
        entry["reading_points"] += min(row["n"] * READING_POINTS, READING_DAILY_CAP)
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
        total = entry["quiz_points"] + entry["reading_points"]
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
