"""django-q2 tasks of the approvals app."""

from approvals import retention
from core.schedules import Every

SCHEDULES = [Every("approvals.erase_old_materials", "approvals.tasks.erase_old_materials", minutes=24 * 60)]


def erase_old_materials() -> int:
    return retention.erase_old_materials()
