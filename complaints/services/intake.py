"""Intake: a citizen files a complaint, within the flood limits, and links it to earlier ones on the same matter."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import attachments, crypto, receipts
from complaints.error_codes import ComplaintErrorCode
from complaints.models import Attachment, Complaint, Reporter, Status
from complaints.services.checks import HOUR, hour_key
from complaints.services.stages import clock_start, record, start_stage
from complaints.services.texts import notify_reporter
from core import idempotency
from core.challenge import Solution
from core.error_codes import CommonErrorCode
from core.ratelimit import count, increment
from directory.models import Department


@dataclass(frozen=True)
class Submission:
    complaint: Complaint
    receipt: str  # shown to the reporter once, never stored


CHALLENGE_PURPOSE = "complaints.intake"


def _challenge_required(solution: Solution | None, message: str) -> ValidationError:
    if solution is not None and solution.offered:
        message = _("The check sent with the complaint was not valid or was already used. A new one is running now.")
    return ValidationError(message, code=ComplaintErrorCode.CHALLENGE_REQUIRED)


def check_flood(source: str, solution: Solution | None = None) -> None:
    """ValidationError when this source already sent its share of complaints this hour (counted on success).

    Past the share, a solved challenge (core.challenge) lets a complaint through, so that one busy network (a
    campus, a carrier's NAT) is slowed down, not shut out, up to a ceiling no challenge lifts.
    """
    # Fails open (core/ratelimit.py): a citizen's report outweighs a flood window as long as a Redis outage.
    sent = count(hour_key("submit", source), fail_open=True)
    if sent < settings.COMPLAINTS_SUBMISSIONS_PER_HOUR:
        return
    if sent >= settings.COMPLAINTS_CHALLENGED_PER_HOUR:
        raise ValidationError(
            _("Too many complaints from this connection in the last hour. Your text is kept: try again later."),
            code=CommonErrorCode.RATE_LIMITED,
        )
    if solution is None or not solution.valid():
        raise _challenge_required(
            solution,
            _(
                "Many complaints came from this network in the last hour. Your browser must first solve a short "
                "check (a few seconds); then send the complaint again. Your text is kept."
            ),
        )


def count_attempt(source: str, solution: Solution | None = None) -> None:
    """Count a submission attempt, valid or not, from this source; ValidationError past the hourly limit unless
    a challenge is solved.

    Accepted complaints have their own, lower limit (check_flood); this one bounds the work a flood of invalid
    submissions can cause.
    """
    tried = increment(hour_key("attempt", source), HOUR, fail_open=True)
    if tried <= settings.COMPLAINTS_ATTEMPTS_PER_HOUR:
        return
    if tried > settings.COMPLAINTS_CHALLENGED_PER_HOUR * 6:
        raise ValidationError(
            _("Too many attempts from this connection in the last hour. Your text is kept: try again later."),
            code=CommonErrorCode.RATE_LIMITED,
        )
    if solution is None or not solution.valid():
        raise _challenge_required(
            solution,
            _(
                "Many attempts came from this network in the last hour. Your browser must first solve a short "
                "check (a few seconds); then send the complaint again. Your text is kept."
            ),
        )


def _new_reference():
    today = timezone.localdate()
    for _attempt in range(20):
        reference = f"TS{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not Complaint.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("no free complaint reference")  # pragma: no cover


def _intake_department():
    return Department.objects.filter(code=settings.COMPLAINTS_INTAKE_DEPARTMENT).first()


def _remember(submission, vault):
    return {"pk": submission.complaint.pk, "secret": vault.seal(submission.receipt)}


def _recall(data, vault):
    # The receipt again for the same key, until IDEMPOTENCY_SECRET_SECONDS; "" after (the page says it was shown).
    return Submission(complaint=Complaint.objects.get(pk=data["pk"]), receipt=vault.open(data.get("secret", "")))


SCOPE = "complaints.submit"


def resent_submission(idempotency_key: str) -> Submission | None:
    """The first Submission of an earlier send with this key, or None. Checked before any limit: a resend creates
    nothing, so it is neither counted nor asked for a challenge (docs/complaints-threat-model.md)."""
    return idempotency.earlier(SCOPE, idempotency_key, recall=_recall)


def submit_complaint(
    data: dict,
    files: Iterable[UploadedFile] = (),
    source: str = "",
    idempotency_key: str = "",
    solution: Solution | None = None,
) -> Submission:
    """File a complaint from cleaned form data (complaints.forms.ComplaintForm) and uploaded files.

    Returns a Submission with the receipt. Every attachment is checked and cleaned before anything is written, and
    everything is written in one transaction: a refused submission leaves nothing behind. Raises ValidationError.
    A resend with the same ``idempotency_key`` returns the first Submission, its receipt included for a short
    while (core/idempotency.py; docs/complaints-threat-model.md).
    """
    return idempotency.once(
        SCOPE,
        idempotency_key,
        lambda: _submit(data, files, source, solution),
        remember=_remember,
        recall=_recall,
    )


def _submit(data, files, source, solution):
    check_flood(source, solution)
    files = list(files)
    if len(files) > settings.COMPLAINTS_MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(n)d files.") % {"n": settings.COMPLAINTS_MAX_ATTACHMENTS}})
    cleaned_files = []
    for upload in files:
        try:
            cleaned_files.append(attachments.clean(upload))
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}, code=exc.code) from None
    receipt = receipts.new_receipt()
    salt, receipt_hash = receipts.seal(receipt)
    stored = []
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                reference=_new_reference(),
                category=data["category"],
                concerned_department=data.get("concerned_department"),
                concerned_person=data.get("concerned_person", ""),
                concerned_post=data.get("concerned_post", ""),
                concerned_level=data.get("concerned_level", ""),
                related_reference=data.get("related_reference", ""),
                description=data["description"],
                is_anonymous=data.get("is_anonymous", True),
                handling_department=_intake_department(),
                receipt_salt=salt,
                receipt_hash=receipt_hash,
            )
            if not complaint.is_anonymous:
                Reporter.objects.create(
                    complaint=complaint,
                    name_encrypted=crypto.encrypt(data["name"]),
                    phone_encrypted=crypto.encrypt(data["phone"]),
                    phone_digest=crypto.phone_digest(data["phone"]),
                )
            for clean in cleaned_files:
                row = Attachment(complaint=complaint, content_type=clean.content_type, size=clean.size)
                row.file.save(clean.content.name, clean.content, save=False)
                stored.append(row.file.name)
                row.save()
            _link_related(complaint)
            stage = start_stage(complaint, Status.RECEIVED)
            record(
                complaint,
                "complaint.received",
                by=None,
                to_state=Status.RECEIVED,
                clocks=[clock_start(complaint, stage)],
            )
            notify_reporter(complaint, "received")
    except Exception:
        for name in stored:
            Attachment.file.field.storage.delete(name)
        raise
    # After commit: must not raise, or a filed complaint would look failed and be filed again.
    increment(hour_key("submit", source), HOUR, fail_open=True)
    return Submission(complaint=complaint, receipt=receipt)


def _link_related(complaint):
    """Link earlier complaints about the same approval application or the same person in the same department."""
    match = Q()
    if complaint.related_reference:
        match |= Q(related_reference=complaint.related_reference)
    if complaint.concerned_person and complaint.concerned_department_id:
        match |= Q(
            concerned_department_id=complaint.concerned_department_id, concerned_person=complaint.concerned_person
        )
    if not match:
        return
    others = list(Complaint.objects.filter(match).exclude(pk=complaint.pk).order_by("-received_at")[:20])
    if others:
        complaint.related.add(*others)
