"""Clarifications (澄清正名): clearing an official named in an unsubstantiated complaint, with their consent."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.error_codes import ComplaintErrorCode
from complaints.models import Clarification, Complaint, Decision
from complaints.services.checks import require_handler, required
from complaints.services.stages import record
from complaints.services.subscriptions import notify_subscribers
from core.error_codes import CommonErrorCode


def publish_clarification(
    complaint: Complaint,
    by: AbstractUser,
    official_name: str,
    official_post: str,
    body: str,
    consent_note: str,
) -> Clarification:
    """澄清正名 for an unsubstantiated complaint, published only with the cleared official's consent recorded."""
    require_handler(by)
    if complaint.decision != Decision.UNSUBSTANTIATED:
        raise ValidationError(
            _("Only an unsubstantiated complaint can be followed by a clarification."), code=CommonErrorCode.INVALID
        )
    official_name = required(official_name, "official_name", _("Name the official cleared."))
    official_post = required(official_post, "official_post", _("Give the official's post."))
    body = required(body, "body", _("Write the clarification."))
    consent_note = required(
        consent_note, "consent_note", _("Record the official's consent: a clarification is published only with it.")
    )
    now = timezone.now()
    with transaction.atomic():
        if Clarification.objects.filter(complaint=complaint).exists():
            raise ValidationError(
                _("A clarification is already published for this complaint."), code=ComplaintErrorCode.DUPLICATE
            )
        clarification = Clarification.objects.create(
            complaint=complaint,
            official_name=official_name,
            official_post=official_post,
            body=body,
            consent_note=consent_note,
            consent_recorded_by=by,
            consent_recorded_at=now,
            published_at=now,
        )
        if not complaint.is_public:
            title = complaint.public_title or _("Clarification: %(post)s") % {"post": official_post}
            Complaint.objects.filter(pk=complaint.pk).update(is_public=True, public_title=title)
            complaint.is_public, complaint.public_title = True, title
        record(complaint, "complaint.clarification_published", by, payload={"clarification_id": clarification.pk})
        notify_subscribers(complaint, "clarification")
    return clarification
