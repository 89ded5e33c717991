"""The calendar's tasks: recomputing open deadlines after the holiday schedule changed, and its backstop sweep."""

from core import calendar
from core.schedules import Every

SCHEDULES = [
    Every("core.sweep_recomputes", "core.tasks.sweep_recomputes", minutes=10),
    Every("core.purge_idempotency_keys", "core.tasks.purge_idempotency_keys", minutes=15),
]


def recompute_deadlines(run_id: int) -> int:
    return calendar.recompute_deadlines(run_id)


def sweep_recomputes() -> int:
    return calendar.sweep_recomputes()


def purge_idempotency_keys() -> int:
    from core import idempotency

    return idempotency.purge_expired()
