"""Following a public case by SMS: a code sent to the number, confirmed to follow (or to stop), then an SMS on
each public update.

The number is stored encrypted, found by a keyed digest, and never shown; codes are kept only as an HMAC.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from complaints import crypto
from complaints.error_codes import ComplaintErrorCode
from complaints.models import Complaint, Subscription
from complaints.services.checks import DAY, HOUR, day_key, hour_key
from complaints.services.texts import notice_key
from core.error_codes import CommonErrorCode
from core.ratelimit import count, increment
from sms import notices
from sms.codes import CodeError, normalise_phone
from sms.system_templates import clip, limit

CODE_TTL = datetime.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
CODES_PER_NUMBER_PER_DAY = 3
SUBSCRIBE_REQUESTS_PER_HOUR = 10


def _code_hash(subscription_pk, code, stop=False):
    # As sms.codes does for login codes: HMAC with a key the database does not hold (a 6-digit code gains nothing
    # from a slow hash). The purpose is inside, so a code to follow cannot stop and the other way round.
    purpose = "stop" if stop else "follow"
    return salted_hmac("complaints.subscribe", f"{subscription_pk}:{purpose}:{code}", algorithm="sha256").hexdigest()


def request_subscription(complaint: Complaint, phone: str, source: str = "", stop: bool = False) -> Subscription | None:
    """Send a code to follow a public case by SMS (or, with ``stop``, to stop following it). ValidationError.

    To stop, the answer is the same whether or not the number follows the case (only a follower gets the SMS), so
    the form does not tell who follows what.
    """
    if not complaint.is_public:
        raise ValidationError(_("Only public cases can be followed."), code=ComplaintErrorCode.NOT_PUBLIC)
    try:
        phone = normalise_phone(phone)
    except CodeError as exc:
        raise ValidationError({"phone": exc.message}, code=exc.code) from None
    # Fails closed (core/ratelimit.py): each request sends an SMS.
    if increment(hour_key("subscribe", source), HOUR) > SUBSCRIBE_REQUESTS_PER_HOUR:
        raise ValidationError(_("Too many requests. Wait an hour and try again."), code=CommonErrorCode.RATE_LIMITED)
    digest = crypto.digest("subscriber", phone)
    if count(day_key("code", digest)) >= CODES_PER_NUMBER_PER_DAY:
        raise ValidationError(_("Too many codes for this number today."), code=CommonErrorCode.RATE_LIMITED)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(complaint=complaint, phone_digest=digest).first()
        active = subscription is not None and subscription.confirmed_at and not subscription.unsubscribed_at
        if stop and not active:
            return None
        if not stop and active:
            raise ValidationError(
                _("This number already follows the case."), code=ComplaintErrorCode.ALREADY_SUBSCRIBED
            )
        if subscription is None:
            subscription = Subscription.objects.create(
                complaint=complaint,
                phone_digest=digest,
                phone_encrypted=crypto.encrypt(phone),
                code_hash="",
                code_expires_at=now,
            )
        subscription.code_sent_count += 1
        subscription.code_hash = _code_hash(subscription.pk, code, stop)
        subscription.code_expires_at = now + CODE_TTL
        subscription.attempts = 0
        subscription.save()
        notices.queue_notice(
            notice_key("subscribe", subscription.pk, subscription.code_sent_count),
            phone,
            template="complaints.unsubscribe.code" if stop else "complaints.subscribe.code",
            params={"ref": complaint.reference, "code": code},
        )
    increment(day_key("code", digest), DAY)
    return subscription


def confirm_subscription(complaint: Complaint, phone: str, code: str, stop: bool = False) -> Subscription:
    """Confirm following a case (or stopping, with ``stop``) with the code sent by request_subscription."""

    wrong = ValidationError(
        {"code": _("The code is wrong or has expired. Request a new one.")}, code=ComplaintErrorCode.INVALID_CODE
    )
    try:
        phone = normalise_phone(phone)
    except CodeError:
        raise wrong from None
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(complaint=complaint, phone_digest=crypto.digest("subscriber", phone))
            .first()
        )
        if subscription is None or subscription.code_expires_at <= timezone.now() or not subscription.code_hash:
            raise wrong
        if subscription.attempts >= CODE_MAX_ATTEMPTS:
            raise ValidationError(
                {"code": _("Too many wrong codes. Request a new one.")}, code=ComplaintErrorCode.TOO_MANY_ATTEMPTS
            )
        subscription.attempts += 1
        if not constant_time_compare(
            subscription.code_hash, _code_hash(subscription.pk, str(code or "").strip(), stop)
        ):
            subscription.save(update_fields=["attempts"])
            ok = False
        else:
            now = timezone.now()
            if stop:
                subscription.unsubscribed_at = now
            else:
                subscription.confirmed_at = now
                subscription.unsubscribed_at = None
            subscription.code_hash = ""
            subscription.save()
            ok = True
    if not ok:
        raise wrong
    return subscription


def notify_subscribers(complaint: Complaint, what: str) -> None:
    """Queue an SMS to every confirmed follower of a public case; idempotent per case, ``what`` and follower."""
    params = {
        "ref": complaint.reference,
        "title": clip(complaint.public_title, limit("complaints.follow.update", "title")),
    }
    for subscription in complaint.subscriptions.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True):
        notices.queue_notice(
            notice_key("follow", complaint.pk, what, subscription.pk),
            crypto.decrypt(subscription.phone_encrypted),
            template="complaints.follow.update",
            params=params,
        )
