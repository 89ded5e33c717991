"""Retention of reporters' uploads: the files of a complaint closed more than RETENTION_COMPLAINT_ATTACHMENTS_DAYS
ago are deleted from the private storage (0 keeps them). The Attachment row stays, with its type and size and no
file, because complaint records are never deleted (complaints.models.NoDeleteModel); the case file says a file
was there and was removed on schedule.
"""

from django.conf import settings

from complaints.models import Attachment
from core.retention import erase_old_files


def erase_old_attachments(now=None) -> int:
    """Delete the files of attachments of complaints closed past the retention period. Returns how many."""
    return erase_old_files(Attachment, "complaint__closed_at", settings.RETENTION_COMPLAINT_ATTACHMENTS_DAYS, now)
