"""Statistics: complaints per department concerned and category, for the admin report and supervision."""

import datetime

from django.db.models import Count, Q

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
