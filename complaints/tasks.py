"""django-q2 tasks of the complaints app."""

from complaints import retention
from core.schedules import Every

SCHEDULES = [Every("complaints.erase_old_attachments", "complaints.tasks.erase_old_attachments", minutes=24 * 60)]


def erase_old_attachments() -> int:
    return retention.erase_old_attachments()
