"""Every operation on complaints: intake, receipts, the investigation workflow, the thread, public updates,
clarifications, subscriptions, reveals and statistics. Views, GraphQL and the admin call these and nothing else.

Each transition changes the complaint, stops and starts its stage clocks, writes a ComplaintEvent and publishes it
to supervision (core.events) inside one transaction, and queues an SMS to a named reporter. Payloads never
carry who the reporter is.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from complaints import attachments, crypto, receipts
from complaints.models import (
    Attachment,
    CaseUpdate,
    Clarification,
    Complaint,
    ComplaintEvent,
    Decision,
    Note,
    Reporter,
    RevealRecord,
    Stage,
    Status,
    Subscription,
    ThreadMessage,
    UpdateKind,
)
from complaints.workflow import FINAL_STATES, TRANSITIONS
from core import events, workdays
from core.ratelimit import count, increment, window_bucket
from directory.models import Department
from sms import notices
from sms.codes import CodeError, normalise_phone

logger = logging.getLogger(__name__)
SMS_LANGUAGE = "zh-hans"
HOUR = 3600


class ReceiptError(Exception):
    """A refused receipt look-up; `message` is for the reporter, `code` for the API."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Submission:
    complaint: Complaint
    receipt: str  # shown to the reporter once, never stored


# --- permissions ---------------------------------------------------------------------------------------------------


def can_handle(user):
    return user.is_authenticated and user.has_perm("complaints.handle_complaint")


def can_view(user):
    return user.is_authenticated and (user.has_perm("complaints.view_complaint") or can_handle(user))


def is_assigned(complaint, user):
    return user.is_authenticated and complaint.investigators.filter(pk=user.pk).exists()


def _require_handler(user):
    if not can_handle(user):
        raise PermissionDenied


# --- intake --------------------------------------------------------------------------------------------------------


def _hour_key(kind, ident):
    bucket, _ends = window_bucket(timezone.now().timestamp(), HOUR)
    return f"complaints:{kind}:{ident}:{bucket}"


def check_flood(source):
    """ValidationError when this source already sent its share of complaints this hour (counted on success)."""
    # Fails open (core/ratelimit.py): a citizen's report outweighs a flood window as long as a Redis outage.
    if count(_hour_key("submit", source), fail_open=True) >= settings.COMPLAINTS_SUBMISSIONS_PER_HOUR:
        raise ValidationError(
            _("Too many complaints from this connection in the last hour. Your text is kept: try again later."),
            code="rate_limited",
        )


def count_attempt(source):
    """Count a submission attempt, valid or not, from this source; ValidationError past the hourly limit.

    Accepted complaints have their own, lower limit (check_flood); this one bounds the work a flood of invalid
    submissions can cause.
    """
    if increment(_hour_key("attempt", source), HOUR, fail_open=True) > settings.COMPLAINTS_ATTEMPTS_PER_HOUR:
        raise ValidationError(
            _("Too many attempts from this connection in the last hour. Your text is kept: try again later."),
            code="rate_limited",
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


def submit_complaint(data, files=(), source=""):
    """File a complaint from cleaned form data (complaints.forms.ComplaintForm) and uploaded files.

    Returns a Submission with the receipt. Every attachment is checked and cleaned before anything is written, and
    everything is written in one transaction: a refused submission leaves nothing behind. Raises ValidationError.
    """
    check_flood(source)
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
                )
            for clean in cleaned_files:
                row = Attachment(complaint=complaint, content_type=clean.content_type, size=clean.size)
                row.file.save(clean.content.name, clean.content, save=False)
                stored.append(row.file.name)
                row.save()
            _link_related(complaint)
            stage = _start_stage(complaint, Status.RECEIVED)
            _record(
                complaint,
                "complaint.received",
                by=None,
                to_state=Status.RECEIVED,
                clocks=[_clock_start(complaint, stage)],
            )
            _notify_reporter(complaint, "received")
    except Exception:
        for name in stored:
            Attachment.file.field.storage.delete(name)
        raise
    # After commit: must not raise, or a filed complaint would look failed and be filed again.
    increment(_hour_key("submit", source), HOUR, fail_open=True)
    return Submission(complaint=complaint, receipt=receipt)


def _normalised_person(name):
    return "".join(str(name or "").split())


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


# --- stages, clocks and events -------------------------------------------------------------------------------------


def _due_at(start, status):
    days = settings.COMPLAINTS_STAGE_WORKING_DAYS.get(status)
    if days is None:
        return None
    local = timezone.localtime(start)
    day = workdays.add_working_days(local.date(), days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def _start_stage(complaint, status, now=None):
    now = now or timezone.now()
    due_at = _due_at(now, status)
    if due_at is None:
        return None
    return Stage.objects.create(complaint=complaint, status=status, started_at=now, due_at=due_at)


def _stop_open_stages(complaint, now):
    clocks = []
    for stage in complaint.stages.filter(ended_at__isnull=True):
        stage.ended_at = now
        stage.save(update_fields=["ended_at"])
        clocks.append(events.Clock(key=stage.clock_key, action=events.ClockAction.STOP))
    return clocks


def _label(complaint, stage):
    return f"{Status(stage.status).label} · {complaint.get_category_display()} · {complaint.reference}"


def _clock_start(complaint, stage):
    with translation.override(SMS_LANGUAGE):
        label = _label(complaint, stage)
    handler = complaint.investigators.order_by("pk").first() if complaint.pk else None
    return events.Clock(
        key=stage.clock_key,
        action=events.ClockAction.START,
        due_at=stage.due_at,
        label=label,
        department_id=complaint.handling_department_id,
        handler_id=handler.pk if handler else None,
        policy=_item(complaint),
    )


def _item(complaint):
    return f"complaints.category:{complaint.category}"


def _actor_department_id(user):
    cadre = getattr(user, "cadre", None) if user is not None else None
    return cadre.department_id if cadre is not None else None


def _actor_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _record(complaint, kind, by, from_state="", to_state="", payload=None, clocks=()):
    """Write the event row and publish it to supervision, in the caller's transaction."""
    now = timezone.now().replace(microsecond=0)
    facts = {
        "item": _item(complaint),
        "reference": complaint.reference,
        "category": complaint.category,
        "concerned_department_id": complaint.concerned_department_id,
    }
    if complaint.related_reference:
        facts["related_reference"] = complaint.related_reference
    if by is not None:
        facts["actor_department_id"] = _actor_department_id(by)
    facts.update(payload or {})
    row = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=by,
        actor_name=_actor_name(by),
        payload=facts,
        created_at=now,
    )
    events.publish(
        events.DomainEvent(
            source="complaints",
            id=row.pk,
            kind=kind,
            occurred_at=now,
            subject=complaint.subject,
            actor_id=by.pk if by is not None else None,
            actor_name=row.actor_name,
            department_id=complaint.handling_department_id,
            from_state=from_state,
            to_state=to_state,
            payload=facts,
            clocks=tuple(clocks),
        )
    )
    return row


def _transition(complaint, action, by, payload=None, update=None):
    """Move a complaint along TRANSITIONS: lock, check, change, clocks, event, SMS. Returns the complaint."""
    _require_handler(by)
    sources, target, kind = TRANSITIONS[action]
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status not in sources:
            raise ValidationError(
                _("This complaint is %(status)s: it cannot be %(action)s now.")
                % {"status": locked.get_status_display(), "action": ACTION_LABELS()[action]},
                code="invalid_transition",
            )
        now = timezone.now()
        from_state = locked.status
        locked.status = target
        for name, value in (update or {}).items():
            setattr(locked, name, value)
        if target in FINAL_STATES and locked.closed_at is None:
            locked.closed_at = now
        locked.save()
        clocks = _stop_open_stages(locked, now)
        stage = _start_stage(locked, target, now)
        if stage is not None:
            clocks.append(_clock_start(locked, stage))
        _record(locked, kind, by, from_state=from_state, to_state=target, payload=payload, clocks=clocks)
        _notify_reporter(locked, target)
    complaint.refresh_from_db()
    return complaint


def ACTION_LABELS():  # noqa: N802 - a table, translated per call
    return {
        "acknowledge": _("acknowledged"),
        "accept": _("accepted as a case"),
        "not_accept": _("refused"),
        "transfer": _("transferred"),
        "start_investigation": _("put under investigation"),
        "conclude": _("concluded"),
        "close": _("closed"),
    }


def _required(text, field, message):
    text = str(text or "").strip()
    if not text:
        raise ValidationError({field: message}, code="required")
    return text


def acknowledge(complaint, by):
    return _transition(complaint, "acknowledge", by)


def accept(complaint, by, handling_department=None):
    """立案: the complaint becomes a case, handled by the given department (default: as before)."""
    update = {"handling_department": handling_department} if handling_department is not None else None
    return _transition(complaint, "accept", by, update=update)


def not_accept(complaint, by, reason):
    reason = _required(reason, "reason", _("Give the reason for not accepting the complaint."))
    return _transition(complaint, "not_accept", by, payload={"reason": reason}, update={"outcome": reason})


def transfer(complaint, by, to_body):
    to_body = _required(to_body, "to_body", _("Name the competent body the complaint goes to."))
    return _transition(complaint, "transfer", by, payload={"to_body": to_body}, update={"transferred_to": to_body})


def start_investigation(complaint, by):
    return _transition(complaint, "start_investigation", by)


def conclude(complaint, by, decision, outcome):
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")}, code="invalid")
    outcome = _required(outcome, "outcome", _("Write the outcome the reporter will read."))
    payload = {
        "decision": decision,
        "concerned_department_id": complaint.concerned_department_id,
        "final": True,
    }
    return _transition(complaint, "conclude", by, payload=payload, update={"decision": decision, "outcome": outcome})


def close(complaint, by, reason):
    """Closing is the only way a complaint ends without a decision, and it needs a written reason."""
    reason = _required(reason, "reason", _("Give the reason for closing the complaint."))
    return _transition(
        complaint, "close", by, payload={"reason": reason, "final": True}, update={"closed_reason": reason}
    )


def assign(complaint, by, investigators):
    """Set the investigators of a complaint (each must hold the investigator role's permission)."""
    _require_handler(by)
    investigators = list(investigators)
    if not investigators:
        raise ValidationError({"investigators": _("Choose at least one investigator.")}, code="required")
    for user in investigators:
        if not can_handle(user):
            raise ValidationError(
                {"investigators": _("%(name)s is not an investigator.") % {"name": _actor_name(user)}}, code="invalid"
            )
    with transaction.atomic():
        Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
        complaint.investigators.set(investigators)
        _record(
            complaint,
            "complaint.assigned",
            by,
            from_state=complaint.status,
            to_state=complaint.status,
            payload={"investigator_ids": sorted(user.pk for user in investigators)},
        )
    return complaint


def add_note(complaint, by, body):
    _require_handler(by)
    body = _required(body, "body", _("Write the note."))
    return Note.objects.create(complaint=complaint, author=by, body=body)


# --- reporter identity -----------------------------------------------------------------------------------------------


def reveal_reporter(complaint, by, reason):
    """A named reporter's name and phone, for an assigned investigator who gives a reason; the reveal is logged."""
    if not (can_handle(by) and is_assigned(complaint, by)):
        raise PermissionDenied
    reason = _required(reason, "reason", _("Give the reason you need the reporter's identity."))
    reporter = Reporter.objects.filter(complaint=complaint).first()
    if reporter is None:
        raise ValidationError(_("The reporter chose to stay anonymous."), code="anonymous")
    RevealRecord.objects.create(complaint=complaint, user=by, reason=reason)
    logger.info("Reporter identity of %s revealed to user %s", complaint.reference, by.pk)
    return {"name": crypto.decrypt(reporter.name_encrypted), "phone": crypto.decrypt(reporter.phone_encrypted)}


# --- SMS ------------------------------------------------------------------------------------------------------------


def _reporter_phone(complaint):
    reporter = Reporter.objects.filter(complaint=complaint).first()
    return crypto.decrypt(reporter.phone_encrypted) if reporter else None


def _sms_body(status):
    # No reference and no detail: the SMS log keeps the phone number beside the text, so the text must not say
    # which complaint the number belongs to. The reporter opens the case with their reference and receipt.
    texts = {
        Status.RECEIVED: _("We received your complaint and will reply within 3 working days."),
        Status.ACKNOWLEDGED: _("Your complaint has been registered and is being assessed."),
        Status.ACCEPTED: _("Your complaint has been accepted as a case."),
        Status.NOT_ACCEPTED: _("Your complaint was not accepted. The reason is on its status page."),
        Status.TRANSFERRED: _("Your complaint was transferred to the competent body."),
        Status.INVESTIGATING: _("Your complaint is under investigation."),
        Status.CONCLUDED: _("The investigation of your complaint is concluded. Open it with your receipt."),
        Status.CLOSED: _("Your complaint is closed. Open it with your receipt to see why."),
        "reply": _("There is a new message about your complaint. Open it with your receipt."),
    }
    return texts[status]


def notice_key(kind, *parts):
    """An opaque notice key: the SMS tables hold the phone beside the key, so the key must not name the case."""
    return f"complaints.{kind}:" + crypto.digest("notice", ":".join(str(part) for part in parts))[:40]


def _notify_reporter(complaint, what, key_suffix=""):
    """Queue a notice to a named reporter (no-op for anonymous ones); idempotent per complaint and stage."""
    phone = _reporter_phone(complaint)
    if phone is None:
        return None
    with translation.override(SMS_LANGUAGE):
        body = _sms_body(what)
    return notices.queue_notice(notice_key("reporter", complaint.pk, what, key_suffix), phone, body)


# --- receipts, status and the anonymous thread ------------------------------------------------------------------------


def _check_lookup_rate(source, reference):
    """Per source (all look-ups) and per case (wrong receipts) in fixed hourly windows in the cache.

    Fails closed (core/ratelimit.py): without its counters nothing would stop receipt guessing, so a Redis outage
    answers 503 "try again" here.
    """
    too_many = ReceiptError(_("Too many attempts. Wait an hour and try again."), "rate_limited")
    if increment(_hour_key("lookup", source), HOUR) > settings.COMPLAINTS_LOOKUPS_PER_HOUR:
        raise too_many
    if count(_hour_key("wrong", reference)) >= settings.COMPLAINTS_WRONG_RECEIPTS_PER_CASE:
        raise too_many


def find_by_receipt(reference, receipt, source=""):
    """The complaint this reference and receipt open, or ReceiptError (wrong, expired or rate limited)."""
    reference = str(reference or "").strip().upper()[:24]
    _check_lookup_rate(source, reference)
    complaint = Complaint.objects.filter(reference=reference).first()
    if complaint is None:
        # The same slow hash as a real check, so timing does not tell which references exist.
        receipts.hash_receipt(receipts.normalise(receipt) or "0", "00" * 16)
        increment(_hour_key("wrong", reference), HOUR)
        raise ReceiptError(_("The reference or receipt is wrong."), "invalid_receipt")
    if not receipts.matches(complaint, receipt):
        increment(_hour_key("wrong", reference), HOUR)
        raise ReceiptError(_("The reference or receipt is wrong."), "invalid_receipt")
    if complaint.closed_at and timezone.now() > complaint.closed_at + datetime.timedelta(
        days=settings.COMPLAINTS_RECEIPT_VALID_DAYS
    ):
        raise ReceiptError(
            _("This receipt has expired: the complaint ended more than a year ago. Contact the commission by phone."),
            "expired_receipt",
        )
    return complaint


def reporter_message(complaint, body):
    """The reporter writes to the investigators (after find_by_receipt)."""
    body = _required(body, "body", _("Write your message."))[:5000]
    if complaint.status == Status.CLOSED:
        raise ValidationError(_("This complaint is closed: messages are no longer accepted."), code="closed")
    return ThreadMessage.objects.create(complaint=complaint, from_reporter=True, body=body)


def investigator_message(complaint, by, body):
    _require_handler(by)
    body = _required(body, "body", _("Write your message."))[:5000]
    with transaction.atomic():
        message = ThreadMessage.objects.create(complaint=complaint, from_reporter=False, author=by, body=body)
        _notify_reporter(complaint, "reply", key_suffix=f":{message.pk}")
    return message


# --- public case pages -----------------------------------------------------------------------------------------------


def publish_update(complaint, by, kind, body, public_title=""):
    """A redacted update on the public case page (立案, 查处 or 结果); subscribers get an SMS."""
    _require_handler(by)
    if kind not in UpdateKind.values:
        raise ValidationError({"kind": _("Choose the kind of update.")}, code="invalid")
    body = _required(body, "body", _("Write the update."))
    needs = {
        UpdateKind.OPENED: (Status.ACCEPTED, Status.INVESTIGATING, Status.CONCLUDED, Status.CLOSED),
        UpdateKind.INVESTIGATION: (Status.INVESTIGATING, Status.CONCLUDED, Status.CLOSED),
        UpdateKind.RESULT: (Status.CONCLUDED, Status.CLOSED),
    }[kind]
    if complaint.status not in needs:
        raise ValidationError({"kind": _("This update does not fit the complaint's stage yet.")}, code="invalid")
    with transaction.atomic():
        title = str(public_title or "").strip() or complaint.public_title
        if not title:
            raise ValidationError({"public_title": _("Give the case a public title.")}, code="required")
        Complaint.objects.filter(pk=complaint.pk).update(is_public=True, public_title=title)
        complaint.is_public, complaint.public_title = True, title
        update = CaseUpdate.objects.create(
            complaint=complaint, kind=kind, body=body, author=by, published_at=timezone.now()
        )
        _record(complaint, "complaint.update_published", by, payload={"update_kind": kind, "update_id": update.pk})
        _notify_subscribers(complaint, f"update:{update.pk}")
    return update


def publish_clarification(complaint, by, official_name, official_post, body, consent_note):
    """澄清正名 for an unsubstantiated complaint, published only with the cleared official's consent recorded."""
    _require_handler(by)
    if complaint.decision != Decision.UNSUBSTANTIATED:
        raise ValidationError(
            _("Only an unsubstantiated complaint can be followed by a clarification."), code="invalid"
        )
    official_name = _required(official_name, "official_name", _("Name the official cleared."))
    official_post = _required(official_post, "official_post", _("Give the official's post."))
    body = _required(body, "body", _("Write the clarification."))
    consent_note = _required(
        consent_note, "consent_note", _("Record the official's consent: a clarification is published only with it.")
    )
    now = timezone.now()
    with transaction.atomic():
        if Clarification.objects.filter(complaint=complaint).exists():
            raise ValidationError(_("A clarification is already published for this complaint."), code="duplicate")
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
        _record(complaint, "complaint.clarification_published", by, payload={"clarification_id": clarification.pk})
        _notify_subscribers(complaint, "clarification")
    return clarification


def public_cases():
    return Complaint.objects.filter(is_public=True).select_related("concerned_department")


# --- SMS subscriptions to public cases ---------------------------------------------------------------------------

CODE_TTL = datetime.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
CODES_PER_NUMBER_PER_DAY = 3
SUBSCRIBE_REQUESTS_PER_HOUR = 10


def _code_hash(subscription_pk, code, stop=False):
    # As sms.codes does for login codes: HMAC with a key the database does not hold (a 6-digit code gains nothing
    # from a slow hash). The purpose is inside, so a code to follow cannot stop and the other way round.
    purpose = "stop" if stop else "follow"
    return salted_hmac("complaints.subscribe", f"{subscription_pk}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _day_key(kind, ident):
    bucket, _ends = window_bucket(timezone.now().timestamp(), 24 * HOUR)
    return f"complaints:{kind}:{ident}:{bucket}"


def request_subscription(complaint, phone, source="", stop=False):
    """Send a code to follow a public case by SMS (or, with ``stop``, to stop following it). ValidationError.

    To stop, the answer is the same whether or not the number follows the case (only a follower gets the SMS), so
    the form does not tell who follows what.
    """
    if not complaint.is_public:
        raise ValidationError(_("Only public cases can be followed."), code="not_public")
    try:
        phone = normalise_phone(phone)
    except CodeError as exc:
        raise ValidationError({"phone": exc.message}, code=exc.code) from None
    # Fails closed (core/ratelimit.py): each request sends an SMS.
    if increment(_hour_key("subscribe", source), HOUR) > SUBSCRIBE_REQUESTS_PER_HOUR:
        raise ValidationError(_("Too many requests. Wait an hour and try again."), code="rate_limited")
    digest = crypto.digest("subscriber", phone)
    if count(_day_key("code", digest)) >= CODES_PER_NUMBER_PER_DAY:
        raise ValidationError(_("Too many codes for this number today."), code="rate_limited")
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(complaint=complaint, phone_digest=digest).first()
        active = subscription is not None and subscription.confirmed_at and not subscription.unsubscribed_at
        if stop and not active:
            return None
        if not stop and active:
            raise ValidationError(_("This number already follows the case."), code="already_subscribed")
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
        with translation.override(SMS_LANGUAGE):
            text = (
                _("Your code to stop following case %(ref)s is %(code)s, valid for 10 minutes.")
                if stop
                else _("Your code to follow case %(ref)s is %(code)s, valid for 10 minutes.")
            )
            body = text % {"ref": complaint.reference, "code": code}
        notices.queue_notice(notice_key("subscribe", subscription.pk, subscription.code_sent_count), phone, body)
    increment(_day_key("code", digest), 24 * HOUR)
    return subscription


def confirm_subscription(complaint, phone, code, stop=False):
    """Confirm following a case (or stopping, with ``stop``) with the code sent by request_subscription."""

    wrong = ValidationError({"code": _("The code is wrong or has expired. Request a new one.")}, code="invalid_code")
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
            raise ValidationError({"code": _("Too many wrong codes. Request a new one.")}, code="too_many_attempts")
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


def _notify_subscribers(complaint, what):
    with translation.override(SMS_LANGUAGE):
        body = _("Case %(ref)s has a new public update: %(title)s") % {
            "ref": complaint.reference,
            "title": complaint.public_title[:30],
        }
    for subscription in complaint.subscriptions.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True):
        notices.queue_notice(
            notice_key("follow", complaint.pk, what, subscription.pk),
            crypto.decrypt(subscription.phone_encrypted),
            body,
        )


# --- statistics ----------------------------------------------------------------------------------------------------


def statistics(since=None):
    """Complaints per department concerned and category, with outcomes: rows for the admin report and supervision."""
    rows = Complaint.objects.all()
    if since is not None:
        rows = rows.filter(received_at__gte=since)
    return list(
        rows.values("concerned_department__name", "category")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=["received", "acknowledged", "accepted", "investigating"])),
            substantiated=Count("pk", filter=Q(decision__in=["substantiated", "partly_substantiated"])),
            unsubstantiated=Count("pk", filter=Q(decision="unsubstantiated")),
        )
        .order_by("concerned_department__name", "category")
    )
