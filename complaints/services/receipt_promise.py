"""What the receipt promises the reporter, as 12388 receipts do: when they will hear back, in working days.

Read from the stage limits (settings.COMPLAINTS_STAGE_WORKING_DAYS) and the complaint's own first stage, so the
receipt says what supervision's clocks will hold the investigators to.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from complaints.models import Complaint, Stage, Status
from core.workdays import is_provisional


@dataclass(frozen=True)
class ReceiptPromise:
    acknowledge_days: int  # working days to acknowledge the complaint
    acknowledge_by: datetime.datetime | None  # the first stage's deadline
    decide_days: int  # working days, after acknowledging, to decide whether to open a case
    provisional: bool  # acknowledge_by was counted without the year's official holiday schedule (暂定)


def receipt_promise(complaint: Complaint) -> ReceiptPromise:
    days = settings.COMPLAINTS_STAGE_WORKING_DAYS
    first = (
        Stage.objects.filter(complaint=complaint, status=Status.RECEIVED)
        .order_by("started_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return ReceiptPromise(
        acknowledge_days=days.get(Status.RECEIVED, 0),
        acknowledge_by=first,
        decide_days=days.get(Status.ACKNOWLEDGED, 0),
        provisional=is_provisional(first),
    )
