"""Retention of applicants' uploads: the material files of an application completed more than
RETENTION_APPLICATION_MATERIALS_DAYS ago are deleted (0 keeps them). The SubmittedMaterial row stays (name, size,
checksum) as the record of what was handed in; the result document is the office's own and stays.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from approvals.models import SubmittedMaterial


def erase_old_materials(now=None) -> int:
    """Delete the material files of applications completed past the retention period. Returns how many."""
    days = settings.RETENTION_APPLICATION_MATERIALS_DAYS
    if not days:
        return 0
    now = now or timezone.now()
    rows = list(
        SubmittedMaterial.objects.filter(application__completed_at__lt=now - timedelta(days=days))
        .exclude(file="")
        .values_list("pk", "file")[:500]
    )
    storage = SubmittedMaterial.file.field.storage
    for pk, name in rows:
        SubmittedMaterial.objects.filter(pk=pk).update(file="")
        storage.delete(name)
    return len(rows)
