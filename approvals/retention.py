"""Retention of applicants' uploads: the material files of an application that ended (completed, not accepted or
withdrawn: Application.ended_at) more than RETENTION_APPLICATION_MATERIALS_DAYS ago are deleted (0 keeps them). The
SubmittedMaterial row stays (name, size, checksum) as the record of what was handed in; the result document is the
office's own and stays.
"""

from django.conf import settings

from approvals.models import SubmittedMaterial
from core.retention import erase_old_files


def erase_old_materials(now=None) -> int:
    """Delete the material files of applications ended past the retention period. Returns how many."""
    return erase_old_files(
        SubmittedMaterial, "application__ended_at", settings.RETENTION_APPLICATION_MATERIALS_DAYS, now
    )
