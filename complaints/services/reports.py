"""Statistics: complaints per department concerned and category, for the admin report and supervision."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from complaints.models import Complaint, Decision
from complaints.workflow import OPEN_STATES


def statistics(since: datetime.datetime | None = None) -> list[dict]:
    """Complaints per department concerned and category, with outcomes: rows for the admin report and supervision."""
    rows = Complaint.objects.all()
    if since is not None:
        rows = rows.filter(received_at__gte=since)
    return list(
        rows.values("concerned_department__name", "category")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATES)),
            substantiated=Count("pk", filter=Q(decision__in=[Decision.SUBSTANTIATED, Decision.PARTLY])),
            unsubstantiated=Count("pk", filter=Q(decision=Decision.UNSUBSTANTIATED)),
        )
        .order_by("concerned_department__name", "category")
    )


def monthly_by_department(start: datetime.datetime, end: datetime.datetime) -> dict:
    """For public reports (core.figures): per department concerned (None: none named) and local month, complaints
    received, and those concluded substantiated or partly substantiated (counted in the month they were closed)."""
    found = defaultdict(lambda: {"received": 0, "substantiated": 0})

    def month(moment):
        return timezone.localtime(moment).date().replace(day=1)

    received = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    for department, at in received.values_list("concerned_department_id", "received_at").iterator():
        found[department, month(at)]["received"] += 1
    substantiated = Complaint.objects.filter(
        closed_at__gte=start, closed_at__lt=end, decision__in=[Decision.SUBSTANTIATED, Decision.PARTLY]
    )
    for department, at in substantiated.values_list("concerned_department_id", "closed_at").iterator():
        found[department, month(at)]["substantiated"] += 1
    return dict(found)
