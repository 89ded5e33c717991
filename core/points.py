"""Study points: how the education apps tell the study ledger (``study``) that a cadre earned points.

A source (a page read in cms, a quiz attempt scored, an SMS answer) calls ``earn`` inside its own transaction with
a key that names the event within the source ("attempt:12"); the ledger's receiver applies the rules (points per
action, daily caps, per-event limits) and writes at most one row per source and key, so an event delivered twice is
credited once. The sources know nothing of the ledger; the ledger sits above them in the layers.
"""

import datetime
from enum import StrEnum

from django.dispatch import Signal

# Sent with source, key, cadre_id, day, points, at; sender is the source's value.
points_earned = Signal()


class PointSource(StrEnum):
    """Where a point comes from: the ledger's rules are written per source."""

    READING = "reading"  # a content page opened (once per page and day)
    VIDEO = "video"  # minutes of a self-hosted video watched
    QUIZ = "quiz"  # a timed or practice quiz attempt (and the quiz points kept before the ledger)
    DAILY_QUIZ = "daily_quiz"
    COMPETITION = "competition"
    SMS_QUIZ = "sms_quiz"  # the right answer to the day's SMS question
    STREAK = "streak"  # studying on consecutive days
    TASK = "task"  # a study task completed


def earn(
    *,
    source: PointSource,
    key: str,
    cadre_id: int,
    day: datetime.date,
    points: int = 0,
    at: datetime.datetime | None = None,
) -> None:
    """Tell the ledger a cadre earned points for one event; ``points`` is the event's own value (a quiz score)."""
    points_earned.send(sender=str(source), source=source, key=key, cadre_id=cadre_id, day=day, points=points, at=at)
