"""Transactional SMS for the other platforms: a status change to an applicant, an alert to a handler.

``queue_notice`` is called inside the caller's transaction and is idempotent by key; the SMS leaves after commit
(a django-q2 task) and a minute sweep retries what a failure or a crashed worker left behind. Exactly once: a
row is claimed by one conditional UPDATE, and an attempt whose outcome is unknown asks the gateway before sending
again, as campaign dispatch does.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import bulk
from core.enqueue import enqueue_on_commit
from sms import system_templates, templating
from sms.dispatch import backoff
from sms.gateways import get_gateway
from sms.gateways.base import GatewayError, PermanentError, TemporaryError
from sms.models import Direction, Message, MessageKind, Notice, SignaturePurpose, SmsTemplate
from sms.services import recipient_problem, send_message, signed

logger = logging.getLogger(__name__)

S = Notice.Status
SWEEP_BATCH = 200


# Notices to citizens about their own applications are the service centre's; the rest are the commission's.
CITIZEN_SERVICE_KEYS = ("approvals.",)


def notice_purpose(notice: Notice) -> str:
    """Whose signature a notice carries: an applicant's notice is the service centre's (SMS_CITIZEN_SIGNATURE); a
    cadre's alert, and a complaint reporter's notice (the complaint went to the commission), the commission's."""
    if notice.cadre_id or not notice.key.startswith(CITIZEN_SERVICE_KEYS):
        return SignaturePurpose.CADRE_WARNING
    return SignaturePurpose.CITIZEN_NOTICE


def queue_notice(key, phone, body=None, cadre=None, *, template=None, params=None):
    """Queue one SMS under `key` and return its Notice; with a key already queued, return that row unchanged.

    `template` names the message's template (a key of ``sms.system_templates``) and `params` its values; the text
    is rendered from them. A template that cannot carry the values (a rule broken, the template withdrawn) keeps
    the notice as failed with the rule in its error, like a number that cannot receive SMS: the caller's change
    stands and the admin shows why the SMS did not go. `body` alone (free text) is for console and Twilio only.
    """
    existing = Notice.objects.filter(key=key).first()
    if existing is not None:
        return existing
    fields = _fields(phone, body, cadre, template, params, timezone.now())
    try:
        with transaction.atomic():
            notice = Notice.objects.create(key=key, **fields)
    except IntegrityError:
        return Notice.objects.get(key=key)  # a concurrent caller queued the same key first
    if notice.status == S.PENDING:
        # A broker outage at commit leaves the row pending for the minute sweep; the caller's request still succeeds.
        enqueue_on_commit("sms.tasks.send_notice", notice.pk, task_name=f"sms.notice.{notice.pk}")
    return notice


def _fields(phone, body, cadre, template, params, now, rows=None, recipients=None):
    """A notice row's fields: its text (rendered from the template), its status and, when it cannot go, why."""
    fields = {"phone": phone, "cadre": cadre, "body": body or ""}
    problem = None
    if template is not None:
        try:
            row, fields["body"], ref = system_templates.prepare(template, params or {}, rows)
            fields.update(template=row, template_params=ref.params)
        except ValidationError as exc:
            problem = f"template {template}: {' '.join(exc.messages)}"
            fields.update(template=SmsTemplate.objects.filter(purpose=template).first(), template_params=params or {})
    if recipients is None:
        recipient = recipient_problem(phone)
    else:  # many notices at once: each number checked once
        number = str(phone)
        if number not in recipients:
            recipients[number] = recipient_problem(phone)
        recipient = recipients[number]
    if recipient:
        problem = f"recipient: {recipient}"
    if problem:
        # Kept, not dropped: the caller's record shows the person was not told, and why.
        logger.error("notice not sendable: %s", problem)
        fields.update(status=S.FAILED, error=problem[:200])
    else:
        fields.update(next_attempt_at=now)
    return fields


NOTICE_COLUMNS = (
    "key",
    "phone",
    "cadre_id",
    "body",
    "template_id",
    "template_params",
    "status",
    "error",
    "next_attempt_at",
)


def queue_notices(entries):
    """``queue_notice`` for many at once, in the caller's transaction: one query for the keys already queued, one
    insert, one task for the batch (the minute sweep backs it up). Each entry is (key, phone, body, cadre) or
    (key, phone, template, params, cadre). Returns how many were queued now."""
    existing = set(Notice.objects.filter(key__in=[e[0] for e in entries]).values_list("key", flat=True))
    now, rows, templates, recipients = timezone.now(), {}, {}, {}
    for entry in entries:
        key, phone = entry[0], entry[1]
        if key in existing or key in rows:
            continue
        if len(entry) == 5:
            fields = _fields(phone, None, entry[4], entry[2], entry[3], now, templates, recipients)
        else:
            fields = _fields(phone, entry[2], entry[3], None, None, now, recipients=recipients)
        template = fields.get("template")
        rows[key] = (
            key,
            fields["phone"],
            fields["cadre"].pk if fields["cadre"] is not None else None,
            fields["body"],
            template.pk if template is not None else None,
            fields.get("template_params", {}),
            fields.get("status", S.PENDING),
            fields.get("error", ""),
            fields.get("next_attempt_at"),
        )
    # One streamed insert (COPY on PostgreSQL); a key a concurrent caller queued first is skipped, not an error.
    inserted = bulk.insert_rows(
        Notice, NOTICE_COLUMNS, rows.values(), ignore_conflicts=True, returning=("pk", "status")
    )
    if inserted is None:
        pending = list(Notice.objects.filter(key__in=list(rows), status=S.PENDING).values_list("pk", flat=True))
    else:
        pending = sorted(pk for pk, status in inserted if status == S.PENDING)
    if pending:
        enqueue_on_commit("sms.tasks.send_notices", pending, task_name=f"sms.notices.{pending[0]}-{pending[-1]}")
    return len(rows)


def _claim(pk, now):
    """Take the row for this attempt: pending and due, or sending under an expired lease (a crashed worker)."""
    lease_expired = now - datetime.timedelta(seconds=settings.SMS_CLAIM_LEASE)
    claimable = Q(status=S.PENDING, next_attempt_at__lte=now) | Q(status=S.SENDING, next_attempt_at__lte=lease_expired)
    taken = Notice.objects.filter(claimable, pk=pk).update(status=S.SENDING, next_attempt_at=now)
    return Notice.objects.select_related("cadre", "template").get(pk=pk) if taken else None


def send_notice(pk, gateway=None, now=None):
    """Make one attempt at a queued notice; returns its status afterwards, or None when it was not ours to send."""
    now = now or timezone.now()
    notice = _claim(pk, now)
    if notice is None:
        return None
    gateway = gateway or get_gateway()
    to = notice.phone.as_e164
    purpose = notice_purpose(notice)
    ref = None
    if notice.template is not None:
        try:
            # Withdrawn by the provider since it was queued: the provider would refuse it; say so, send nothing.
            templating.check_usable(notice.template)
        except ValidationError as exc:
            return _mark(notice, S.FAILED, error=f"template: {' '.join(exc.messages)}"[:200])
        ref = system_templates.ref_of(notice.template, notice.template_params)
    try:
        # Set before every send and cleared when its outcome is known: still set here means an attempt was cut off.
        if notice.uncertain:
            provider_id = gateway.find_sent(to, signed(notice.body, purpose), since=notice.created_at)
            if provider_id:
                return _mark_sent(notice, _log_found(notice, gateway, provider_id, purpose))
        Notice.objects.filter(pk=pk).update(attempts=notice.attempts + 1, uncertain=True)
        message = send_message(
            notice.phone,
            notice.body,
            kind=MessageKind.NOTICE,
            cadre=notice.cadre,
            gateway=gateway,
            purpose=purpose,
            template=ref,
        )
    except PermanentError as exc:
        return _mark(notice, S.FAILED, error=_error(exc))
    except TemporaryError as exc:
        return _retry(notice, exc, uncertain=exc.maybe_sent)
    except GatewayError as exc:
        return _retry(notice, exc, uncertain=True)
    return _mark_sent(notice, message)


def _log_found(notice, gateway, provider_id, purpose):
    """The provider already has the message from an earlier attempt: log it as sent, without sending it again."""
    existing = Message.objects.filter(provider_id=provider_id).first()
    if existing:
        return existing
    return Message.objects.create(
        direction=Direction.OUTBOUND,
        kind=MessageKind.NOTICE,
        phone=notice.phone,
        cadre=notice.cadre,
        body=signed(notice.body, purpose),
        gateway=gateway.name,
        provider_id=provider_id,
        status_changed_at=timezone.now(),
    )


def _mark_sent(notice, message):
    return _mark(notice, S.SENT, message=message, sent_at=timezone.now(), uncertain=False, error="")


def _retry(notice, exc, uncertain):
    attempts = notice.attempts + 1
    if attempts >= settings.SMS_MAX_ATTEMPTS:
        return _mark(notice, S.FAILED, attempts=attempts, error=_error(exc))
    retry_at = timezone.now() + backoff(attempts, getattr(exc, "retry_after", None))
    logger.warning("notice %s: attempt %d failed (%s), retry at %s", notice.key, attempts, exc, retry_at)
    return _mark(notice, S.PENDING, attempts=attempts, next_attempt_at=retry_at, uncertain=uncertain, error=_error(exc))


def _mark(notice, status, **fields):
    Notice.objects.filter(pk=notice.pk).update(status=status, **fields)
    if status == S.FAILED:
        logger.error("notice %s failed: %s", notice.key, fields.get("error", ""))
    return status


def _error(exc):
    return f"{exc.code} {exc}".strip()[:200] if isinstance(exc, GatewayError) else str(exc)[:200]


def sweep(now=None, limit=SWEEP_BATCH):
    """Retry due notices and take back those a crashed worker left in 'sending'; returns how many were tried."""
    now = now or timezone.now()
    lease_expired = now - datetime.timedelta(seconds=settings.SMS_CLAIM_LEASE)
    due = Notice.objects.filter(
        Q(status=S.PENDING, next_attempt_at__lte=now) | Q(status=S.SENDING, next_attempt_at__lte=lease_expired)
    ).values_list("pk", flat=True)[:limit]
    tried = 0
    for pk in list(due):
        if send_notice(pk, now=now) is not None:
            tried += 1
    return tried
