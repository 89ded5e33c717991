"""The reporter's way back to their complaint: its reference and receipt, checked within rate limits.

The reporter keeps no account and no session: every request carries the reference and receipt and is checked
again here (complaints.receipts holds the hashing).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import receipts
from complaints.error_codes import ComplaintErrorCode
from complaints.models import Complaint
from complaints.services.checks import HOUR, hour_key
from core.error_codes import CommonErrorCode
from core.ratelimit import count, increment


class ReceiptError(Exception):
    """A refused receipt look-up; `message` is for the reporter, `code` for the API."""

    def __init__(self, message: str, code: CommonErrorCode | ComplaintErrorCode):
        super().__init__(message)
        self.message = message
        self.code = code


def _check_lookup_rate(source, reference):
    """Per source (all look-ups) and per case (wrong receipts) in fixed hourly windows in the cache.

    Fails closed (core/ratelimit.py): without its counters nothing would stop receipt guessing, so a Redis outage
    answers 503 "try again" here.
    """
    too_many = ReceiptError(_("Too many attempts. Wait an hour and try again."), CommonErrorCode.RATE_LIMITED)
    if increment(hour_key("lookup", source), HOUR) > settings.COMPLAINTS_LOOKUPS_PER_HOUR:
        raise too_many
    if count(hour_key("wrong", reference)) >= settings.COMPLAINTS_WRONG_RECEIPTS_PER_CASE:
        raise too_many


def find_by_receipt(reference: str, receipt: str, source: str = "") -> Complaint:
    """The complaint this reference and receipt open, or ReceiptError (wrong, expired or rate limited)."""
    reference = str(reference or "").strip().upper()[:24]
    _check_lookup_rate(source, reference)
    complaint = Complaint.objects.filter(reference=reference).first()
    if complaint is None:
        # The same slow hash as a real check, so timing does not tell which references exist.
        receipts.hash_receipt(receipts.normalise(receipt) or "0", "00" * 16)
        increment(hour_key("wrong", reference), HOUR)
        raise ReceiptError(_("The reference or receipt is wrong."), ComplaintErrorCode.INVALID_RECEIPT)
    if not receipts.matches(complaint, receipt):
        increment(hour_key("wrong", reference), HOUR)
        raise ReceiptError(_("The reference or receipt is wrong."), ComplaintErrorCode.INVALID_RECEIPT)
    if complaint.closed_at and timezone.now() > complaint.closed_at + datetime.timedelta(
        days=settings.COMPLAINTS_RECEIPT_VALID_DAYS
    ):
        raise ReceiptError(
            _("This receipt has expired: the complaint ended more than a year ago. Contact the commission by phone."),
            ComplaintErrorCode.EXPIRED_RECEIPT,
        )
    return complaint
