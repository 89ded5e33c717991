"""Retention of reporters' uploads: the files of a complaint closed more than RETENTION_COMPLAINT_ATTACHMENTS_DAYS
ago are deleted from the private storage (0 keeps them). The Attachment row stays, with its type and size and no
file, because complaint records are never deleted (complaints.models.NoDeleteModel); the case file says a file
was there and was removed on schedule.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from complaints.models import Attachment


def erase_old_attachments(now=None) -> int:
    """Delete the files of attachments of complaints closed past the retention period. Returns how many."""
    days = settings.RETENTION_COMPLAINT_ATTACHMENTS_DAYS
    if not days:
        return 0
    now = now or timezone.now()
    rows = list(
        Attachment.objects.filter(complaint__closed_at__lt=now - timedelta(days=days))
        .exclude(file="")
        .values_list("pk", "file")[:500]
    )
    storage = Attachment.file.field.storage
    for pk, name in rows:
        # The row first: a file left behind by a crash is an orphan the next run cannot see, never a dangling link.
        Attachment.objects.filter(pk=pk).update(file="")
        storage.delete(name)
    return len(rows)
