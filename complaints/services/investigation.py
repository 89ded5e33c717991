"""Investigators at work: who handles a complaint, their internal notes, and the logged reveal of a named
reporter's identity (only to an assigned investigator who gives a reason)."""

import logging
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaints import crypto
from complaints.error_codes import ComplaintErrorCode
from complaints.models import Complaint, Note, Reporter, RevealRecord
from complaints.services.checks import can_handle, is_assigned, require_handler, required
from complaints.services.stages import record
from core.error_codes import CommonErrorCode
from core.people import display_name

logger = logging.getLogger(__name__)


def assign(complaint: Complaint, by: AbstractUser, investigators: Iterable[AbstractUser]) -> Complaint:
    """Set the investigators of a complaint (each must hold the investigator role's permission)."""
    require_handler(by)
    investigators = list(investigators)
    if not investigators:
        raise ValidationError({"investigators": _("Choose at least one investigator.")}, code=CommonErrorCode.REQUIRED)
    for user in investigators:
        if not can_handle(user):
            raise ValidationError(
                {"investigators": _("%(name)s is not an investigator.") % {"name": display_name(user)}},
                code=CommonErrorCode.INVALID,
            )
    with transaction.atomic():
        Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
        complaint.investigators.set(investigators)
        record(
            complaint,
            "complaint.assigned",
            by,
            from_state=complaint.status,
            to_state=complaint.status,
            payload={"investigator_ids": sorted(user.pk for user in investigators)},
        )
    return complaint


def add_note(complaint: Complaint, by: AbstractUser, body: str) -> Note:
    require_handler(by)
    body = required(body, "body", _("Write the note."))
    return Note.objects.create(complaint=complaint, author=by, body=body)


def reveal_reporter(complaint: Complaint, by: AbstractUser, reason: str) -> dict[str, str]:
    """A named reporter's name and phone, for an assigned investigator who gives a reason; the reveal is logged."""
    if not (can_handle(by) and is_assigned(complaint, by)):
        raise PermissionDenied
    reason = required(reason, "reason", _("Give the reason you need the reporter's identity."))
    reporter = Reporter.objects.filter(complaint=complaint).first()
    if reporter is None:
        raise ValidationError(_("The reporter chose to stay anonymous."), code=ComplaintErrorCode.ANONYMOUS)
    RevealRecord.objects.create(complaint=complaint, user=by, reason=reason)
    logger.info("Reporter identity of %s revealed to user %s", complaint.reference, by.pk)
    return {"name": crypto.decrypt(reporter.name_encrypted), "phone": crypto.decrypt(reporter.phone_encrypted)}
