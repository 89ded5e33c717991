"""我的: a named reporter, logged in with the phone they gave (core.citizens), reads their complaints without the
receipt. Anonymous complaints are never found this way: they have no phone, only their receipt opens them.

Every read is recorded (OwnerRead: the complaint, the channel, the time; nothing about the device or address) and
listed on the complaint's file for supervisors, as identity reveals are (docs/complaints-threat-model.md).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from complaints import crypto
from complaints.models import Complaint, OwnerRead, Stage


@dataclass(frozen=True)
class OwnComplaint:
    reference: str
    category: str
    status: str
    received_at: datetime.datetime
    due_at: datetime.datetime | None  # the open stage's deadline, None once the complaint has ended
    final: bool
    is_public: bool


def _own(phone):
    return Complaint.objects.filter(is_anonymous=False, reporter__phone_digest=crypto.phone_digest(phone))


def _record(complaint_ids, channel):
    OwnerRead.objects.bulk_create([OwnerRead(complaint_id=pk, channel=channel) for pk in complaint_ids])


def own_complaints(phone: str, channel: str) -> list[OwnComplaint]:
    """The named complaints filed with this phone (E.164), newest first; three queries whatever their number
    (complaints, their open stages, the read records)."""
    rows = list(
        _own(phone)
        .prefetch_related(Prefetch("stages", Stage.objects.filter(ended_at__isnull=True), to_attr="open_stages"))
        .order_by("-received_at", "-pk")
    )
    if rows:
        _record([row.pk for row in rows], channel)
    return [
        OwnComplaint(
            reference=row.reference,
            category=row.get_category_display(),
            status=row.get_status_display(),
            received_at=row.received_at,
            due_at=None if row.is_final else min((s.due_at for s in row.open_stages), default=None),
            final=row.is_final,
            is_public=row.is_public,
        )
        for row in rows
    ]


def own_complaint(phone: str | None, reference: str, channel: str) -> Complaint | None:
    """The named complaint with this reference filed with this phone, recorded as read; None otherwise."""
    if not phone:
        return None
    complaint = _own(phone).filter(reference=str(reference or "").strip().upper()[:24]).first()
    if complaint is not None:
        _record([complaint.pk], channel)
    return complaint


def open_deadline(complaint: Complaint) -> datetime.datetime | None:
    """The deadline of the complaint's current stage, None once it has ended."""
    if complaint.is_final:
        return None
    stage = complaint.stages.filter(ended_at__isnull=True).order_by("due_at").first()
    return stage.due_at if stage else None
