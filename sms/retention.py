"""Data minimisation of the SMS tables: citizens' numbers leave the logs once their notice is settled, and logs
and counters are kept only for their retention period (docs/configuration.md#retention).

Whose number: a complaint reporter's or an applicant's. Notices for them are the ones another app queued under
a citizen key (``CITIZEN_NOTICE_PREFIXES``) for no cadre. Cadres' numbers are the staff directory's data and stay.

Settled: the notice failed, or it was sent and its message has a final delivery status, or no report came in
``SETTLE_AFTER`` (past the provider's report window none will). Then the number in the Notice and in its Message
is replaced by ``phone_digest``: HMAC-SHA256 under SMS_PHONE_HASH_KEY (derived from SECRET_KEY when unset). The
digest still answers "did we text this number, and when?": the admin's search of the message log and of the
notices matches a typed number against it. Nothing sends from a settled row (find_sent and retries only read
pending and sending notices, and duplicates are found by the notice key, never by number), so nothing that
de-duplicates needs the number back.
"""

import hashlib
import hmac
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sms.models import FINAL_STATUSES, DailySendCount, Message, Notice, OneTimeCode

CITIZEN_NOTICE_PREFIXES = ("complaints.", "approvals.")
SETTLE_AFTER = timedelta(hours=72)
BATCH = 500


def _key():
    return (settings.SMS_PHONE_HASH_KEY or f"sms-phone-hash:{settings.SECRET_KEY}").encode()


def phone_digest(phone: object) -> str:
    """The keyed hash a settled citizen's number is replaced by (E.164 when the number parses)."""
    text = str(getattr(phone, "as_e164", None) or phone or "").strip()
    return hmac.new(_key(), text.encode(), hashlib.sha256).hexdigest()


def digest_of_query(text: str) -> str:
    """The digest of a number typed into an admin search ("139 1234 5678", "+86..."), or "" if it is none."""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phone_digest(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _settled(now):
    sent = Q(status=Notice.Status.SENT)
    final = Q(message__status__in=FINAL_STATUSES) | Q(sent_at__lt=now - SETTLE_AFTER) | Q(message__isnull=True)
    return Q(status=Notice.Status.FAILED) | (sent & final)


def citizen_notices():
    citizen = Q()
    for prefix in CITIZEN_NOTICE_PREFIXES:
        citizen |= Q(key__startswith=prefix)
    return Notice.objects.filter(citizen, cadre__isnull=True)


def erase_citizen_numbers(now=None) -> int:
    """Replace the numbers of settled citizen notices (and their messages) by their digest. Returns how many."""
    now = now or timezone.now()
    rows = list(
        citizen_notices().filter(_settled(now)).exclude(phone="").values_list("pk", "phone", "message_id")[:BATCH]
    )
    with transaction.atomic():
        for pk, phone, message_id in rows:
            digest = phone_digest(phone)
            # Conditional on the status still being settled: a row a worker just took back is left for next time.
            Notice.objects.filter(pk=pk).filter(_settled(now)).update(phone="", phone_digest=digest)
            if message_id:
                Message.objects.filter(pk=message_id).update(phone="", phone_digest=digest)
    return len(rows)


def purge_expired(now=None) -> dict:
    """Delete logs past RETENTION_SMS_LOG_DAYS and counters past their use. Returns the counts deleted."""
    now = now or timezone.now()
    deleted = {}
    if settings.RETENTION_SMS_LOG_DAYS:
        before = now - timedelta(days=settings.RETENTION_SMS_LOG_DAYS)
        settled = Q(status__in=[Notice.Status.SENT, Notice.Status.FAILED])
        deleted["notices"] = Notice.objects.filter(settled, created_at__lt=before).delete()[0]
        deleted["messages"] = Message.objects.filter(created_at__lt=before).delete()[0]
    # The per-number counters only matter for their day (the daily cap) or the code limits' longest window.
    today = timezone.localdate(now)
    deleted["daily counts"] = DailySendCount.objects.filter(day__lt=today - timedelta(days=1)).delete()[0]
    code_days = settings.RETENTION_SMS_CODE_DAYS
    deleted["codes"] = OneTimeCode.objects.filter(created_at__lt=now - timedelta(days=code_days)).delete()[0]
    return deleted
