"""django-q2 tasks of the approvals app."""

from approvals import performance, retention
from core.schedules import Every

SCHEDULES = [
    Every("approvals.erase_old_materials", "approvals.tasks.erase_old_materials", minutes=24 * 60),
    # The public performance report (阳光政务) reads precomputed figures: this month's and last month's, hourly.
    Every("approvals.performance_figures", "approvals.tasks.refresh_performance", minutes=60),
]


def erase_old_materials() -> int:
    return retention.erase_old_materials()


def refresh_performance() -> int:
    return performance.refresh()
