"""The rules as they were in settings (quiz points up to 60 a day, 2 points a page read up to 20 a day) plus the
new sources, and the study record's history moved onto the ledger: each day's quiz points (capped, as they were
shown) and each page read (2 points, within the day's cap, in the order they were read), with the totals."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import migrations

QUIZ_CAP = getattr(settings, "STUDY_QUIZ_DAILY_CAP", 60)
READING_POINTS = getattr(settings, "STUDY_READING_POINTS", 2)
READING_CAP = getattr(settings, "STUDY_READING_DAILY_CAP", 20)

# source: (points per action (0: the action's own), limit per action, daily cap)
RULES = {
    "reading": (READING_POINTS, 0, READING_CAP),
    "video": (1, 0, 30),
    "quiz": (0, 0, QUIZ_CAP),
    "daily_quiz": (0, 0, QUIZ_CAP),
    "competition": (0, 0, 100),
    "sms_quiz": (0, 0, 10),
    "streak": (2, 0, 2),
    "task": (10, 0, 0),
}
BATCH = 5000


def _periods(day):
    year, week, _weekday = day.isocalendar()
    return f"w{year}-{week:02d}", f"m{day.year}-{day.month:02d}", f"y{day.year}"


def forwards(apps, schema_editor):
    from directory.roles import sync_roles

    sync_roles(apps)
    PointsRule = apps.get_model("study", "PointsRule")
    PointsEntry = apps.get_model("study", "PointsEntry")
    PointsTotal = apps.get_model("study", "PointsTotal")
    StudyDay = apps.get_model("quizzes", "StudyDay")
    ReadRecord = apps.get_model("cms", "ReadRecord")
    for source, (points, limit, cap) in RULES.items():
        PointsRule.objects.get_or_create(
            source=source, defaults={"points": points, "max_per_event": limit, "daily_cap": cap}
        )
    totals = defaultdict(int)
    batch = []

    def add(entry):
        batch.append(entry)
        for period in _periods(entry.day):
            totals[(entry.cadre_id, period)] += entry.points
        if len(batch) >= BATCH:
            PointsEntry.objects.bulk_create(batch, ignore_conflicts=True)
            batch.clear()

    def noon(day):
        return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)

    for row in StudyDay.objects.order_by("pk").iterator(chunk_size=BATCH):
        points = min(row.quiz_points, QUIZ_CAP)
        if points > 0:
            add(PointsEntry(cadre_id=row.cadre_id, source="quiz", key=f"history:{row.day.isoformat()}",
                            day=row.day, points=points, created_at=noon(row.day)))  # fmt: skip
    reads = ReadRecord.objects.order_by("cadre_id", "day", "read_at", "pk").values_list(
        "cadre_id", "day", "page_id", "read_at"
    )
    earned = defaultdict(int)
    for cadre_id, day, page_id, read_at in reads.iterator(chunk_size=BATCH):
        points = min(READING_POINTS, READING_CAP - earned[(cadre_id, day)])
        if points > 0:
            earned[(cadre_id, day)] += points
            add(PointsEntry(cadre_id=cadre_id, source="reading", key=f"page:{page_id}:{day.isoformat()}",
                            day=day, points=points, created_at=read_at))  # fmt: skip
    PointsEntry.objects.bulk_create(batch, ignore_conflicts=True)
    PointsTotal.objects.bulk_create(
        [PointsTotal(cadre_id=cadre_id, period=period, points=n) for (cadre_id, period), n in totals.items()],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0001_initial"),
        ("quizzes", "0002_roles"),
        ("cms", "0005_messages_campaigns"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
