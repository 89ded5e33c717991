"""Public case pages: the redacted updates (立案, 查处, 结果) the public reads, and the list of public cases."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import CaseUpdate, Complaint, Status, UpdateKind
from complaints.services.checks import require_handler, required
from complaints.services.stages import record
from complaints.services.subscriptions import notify_subscribers
from core.error_codes import CommonErrorCode

# The statuses a complaint must have reached before an update of each kind fits it.
UPDATE_NEEDS = {
    UpdateKind.OPENED: (Status.ACCEPTED, Status.INVESTIGATING, Status.CONCLUDED, Status.CLOSED),
    UpdateKind.INVESTIGATION: (Status.INVESTIGATING, Status.CONCLUDED, Status.CLOSED),
    UpdateKind.RESULT: (Status.CONCLUDED, Status.CLOSED),
}


def publish_update(complaint: Complaint, by: AbstractUser, kind: str, body: str, public_title: str = "") -> CaseUpdate:
    """A redacted update on the public case page (立案, 查处 or 结果); subscribers get an SMS."""
    require_handler(by)
    if kind not in UpdateKind.values:
        raise ValidationError({"kind": _("Choose the kind of update.")}, code=CommonErrorCode.INVALID)
    body = required(body, "body", _("Write the update."))
    if complaint.status not in UPDATE_NEEDS[kind]:
        raise ValidationError(
            {"kind": _("This update does not fit the complaint's stage yet.")}, code=CommonErrorCode.INVALID
        )
    with transaction.atomic():
        title = str(public_title or "").strip() or complaint.public_title
        if not title:
            raise ValidationError({"public_title": _("Give the case a public title.")}, code=CommonErrorCode.REQUIRED)
        Complaint.objects.filter(pk=complaint.pk).update(is_public=True, public_title=title)
        complaint.is_public, complaint.public_title = True, title
        update = CaseUpdate.objects.create(
            complaint=complaint, kind=kind, body=body, author=by, published_at=timezone.now()
        )
        record(complaint, "complaint.update_published", by, payload={"update_kind": kind, "update_id": update.pk})
        notify_subscribers(complaint, f"update:{update.pk}")
    return update


def public_cases() -> QuerySet[Complaint]:
    return Complaint.objects.filter(is_public=True).select_related("concerned_department")
