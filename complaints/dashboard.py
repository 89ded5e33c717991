"""The investigator's work dashboard (core.dashboard): the complaints assigned to them, by their stage's deadline."""

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints import services
from complaints.models import Complaint, Status
from core.dashboard import LIMIT, WorkItem, WorkPanel, clock_levels

FINAL = (Status.CLOSED, Status.CONCLUDED, Status.NOT_ACCEPTED, Status.TRANSFERRED)
OPEN_STAGE = Q(stages__ended_at__isnull=True)


def my_complaints(user) -> list[WorkItem]:
    """Open complaints assigned to this investigator, soonest stage deadline first: two queries."""
    rows = list(
        Complaint.objects.filter(investigators=user)
        .exclude(status__in=FINAL)
        .annotate(due_at=Min("stages__due_at", filter=OPEN_STAGE), stage=Min("stages__pk", filter=OPEN_STAGE))
        .select_related("concerned_department")
        .order_by("due_at", "received_at", "pk")[:LIMIT]
    )
    levels = clock_levels(f"complaints.stage:{row.stage}" for row in rows if row.stage)
    items = []
    for complaint in rows:
        clock = levels.get(f"complaints.stage:{complaint.stage}")
        department = complaint.concerned_department
        items.append(
            WorkItem(
                title=f"{complaint.reference} · {complaint.get_category_display()}",
                url=reverse("complaints_admin:detail", args=[complaint.pk]),
                deadline=complaint.due_at,
                deadline_label=_("Stage deadline"),
                no_deadline=_("This stage has no time limit."),
                card=clock.level if clock else "",
                note=" · ".join(str(part) for part in (complaint.get_status_display(), department) if part),
            )
        )
    return items


def panels_for(user) -> list[WorkPanel]:
    if not services.can_handle(user):
        return []
    return [
        WorkPanel(
            "complaints-mine",
            _("My complaints"),
            lambda: my_complaints(user),
            more_url=reverse("complaints_admin:list") + "?mine=1",
            order=20,
            empty=_("No open complaint is assigned to you."),
        )
    ]
