"""Deleting uploads past their retention period while keeping the row that says they were there.

Used by each app's retention schedule (approvals/retention.py, complaints/retention.py); the periods are settings
(RETENTION_*_DAYS, docs/configuration.md#retention).
"""

from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

BATCH = 500


def erase_old_files(model: type[Model], ended_field: str, days: int, now=None, field: str = "file") -> int:
    """Empty `field` and delete its file on rows whose `ended_field` (a lookup such as "complaint__closed_at") is
    more than `days` old; 0 days keeps everything. One batch of BATCH a run; returns how many files went."""
    if not days:
        return 0
    now = now or timezone.now()
    rows = list(
        model.objects.filter(**{f"{ended_field}__lt": now - timedelta(days=days)})
        .exclude(**{field: ""})
        .values_list("pk", field)[:BATCH]
    )
    storage = model._meta.get_field(field).storage
    for pk, name in rows:
        # The row first: a file left behind by a crash is an orphan the next run cannot see, never a dangling link.
        model.objects.filter(pk=pk).update(**{field: ""})
        storage.delete(name)
    return len(rows)
