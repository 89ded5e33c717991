"""The calendar's tasks: recomputing open deadlines after the holiday schedule changed, and its backstop sweep."""

from core import calendar
from core.schedules import Every

SCHEDULES = [Every("core.sweep_recomputes", "core.tasks.sweep_recomputes", minutes=10)]


def recompute_deadlines(run_id: int) -> int:
    return calendar.recompute_deadlines(run_id)


def sweep_recomputes() -> int:
    return calendar.sweep_recomputes()
