"""SMS operations other parts of the system call. Campaign dispatch lives in sms/dispatch.py."""

import logging
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumber_field.phonenumber import PhoneNumber

from core.error_codes import CommonErrorCode
from directory.models import Cadre
from sms import templating
from sms.encoding import SegmentInfo, estimated_cost, segment_info
from sms.error_codes import SmsErrorCode
from sms.gateways import Gateway, TemplateRef, get_gateway
from sms.models import Campaign, Direction, Message, MessageKind, SignaturePurpose

logger = logging.getLogger(__name__)


# Which registered signature a message carries, by what it is (sms.models.SignaturePurpose): the commission's,
# unless the caller names another purpose (an applicant's notice is the service centre's: sms.notices.notice_purpose).
PURPOSE_OF_KIND = {
    MessageKind.CAMPAIGN: SignaturePurpose.CADRE_WARNING,
    MessageKind.REPLY: SignaturePurpose.CADRE_WARNING,
    MessageKind.NOTICE: SignaturePurpose.CADRE_WARNING,
    MessageKind.CODE: SignaturePurpose.VERIFICATION,
}


def signed(body: str, purpose: str = SignaturePurpose.CADRE_WARNING) -> str:
    """The text as the recipient sees it: the signature for its purpose first (required by Chinese carriers)."""
    signature = templating.signature_for(purpose)
    if not signature or body.startswith(signature) or templating.has_signature(body):
        return body
    return f"{signature}{body}"


def send_message(
    phone: str | PhoneNumber,
    body: str,
    kind: str = MessageKind.NOTICE,
    cadre: Cadre | None = None,
    gateway: Gateway | None = None,
    purpose: str | None = None,
    template: TemplateRef | None = None,
) -> Message:
    """Send one SMS now, outside any campaign (codes, replies, notices), and log it. Raises GatewayError on failure.

    The log row is written after the gateway accepted the message, so a failed send leaves no "sent" record.
    Gateways that report delivery (Twilio) are given the status webhook, which updates the row's status.
    The signature is the one for `purpose` (sms.models.SignaturePurpose), by default the one for its kind.
    `template` (sms.system_templates.prepare) is the approved template `body` was rendered from.
    """
    from sms.tracking import status_callback_url

    gateway = gateway or get_gateway()
    text = signed(body, purpose or PURPOSE_OF_KIND.get(kind, SignaturePurpose.CADRE_WARNING))
    info = segment_info(text)
    to = phone if isinstance(phone, str) else phone.as_e164
    callback = status_callback_url(gateway.name) if getattr(gateway, "supports_status_callbacks", False) else None
    extra = {"template": template} if template is not None else {}
    result = gateway.send(to, text, status_callback=callback, **extra)
    return Message.objects.create(
        direction=Direction.OUTBOUND,
        kind=kind,
        phone=to,
        cadre=cadre,
        body=text,
        encoding=info.encoding,
        segments=info.segments,
        gateway=gateway.name,
        provider_id=result.provider_id,
        status=result.status,
        status_changed_at=timezone.now(),
    )


# --- Campaign lifecycle ---------------------------------------------------------------------------------------------

audit = logging.getLogger("sms.audit")

S = Campaign.Status
# Every allowed move of a campaign, written once: action -> (from statuses, to status).
TRANSITIONS = {
    "submit": ({S.DRAFT}, S.PENDING),
    "approve": ({S.PENDING}, S.APPROVED),
    "reject": ({S.PENDING}, S.DRAFT),
    "start": ({S.APPROVED, S.SENDING}, S.SENDING),
    # A one-off campaign is finished after its run; a recurring or holiday one waits for its next occurrence.
    "finish": ({S.SENDING}, S.FINISHED),
    "rest": ({S.SENDING}, S.APPROVED),
    "edit": ({S.PENDING, S.APPROVED, S.SENDING}, S.DRAFT),
    "cancel": ({S.DRAFT, S.PENDING, S.APPROVED, S.SENDING}, S.CANCELLED),
}


class CampaignStateError(ValidationError):
    """The campaign is not in a status that allows this action (or another user changed it meanwhile)."""


class ApprovalDenied(PermissionDenied):
    pass


def _transition(campaign, action, by=None, **fields):
    """Move the campaign if its status allows `action`, atomically against concurrent moves, and audit it."""
    sources, target = TRANSITIONS[action]
    if campaign.status not in sources:
        raise CampaignStateError(
            _("A campaign that is “%(status)s” cannot be changed this way.")
            % {"status": campaign.get_status_display()},
            code=CommonErrorCode.INVALID_TRANSITION,
        )
    moved = Campaign.objects.filter(pk=campaign.pk, status=campaign.status).update(
        status=target, updated_at=timezone.now(), **fields
    )
    if not moved:
        raise CampaignStateError(_("Someone else changed this campaign meanwhile; reload it."), code=SmsErrorCode.STALE)
    previous = campaign.status
    campaign.status = target
    for name, value in fields.items():
        setattr(campaign, name, value)
    audit.info(
        "campaign %s %s: %s -> %s by %s", campaign.pk, action, previous, target, getattr(by, "pk", None) or "system"
    )
    return campaign


def campaign_text(campaign: Campaign) -> str:
    """The campaign's text: its template rendered (per-recipient variables left for sending), its warning
    phrase's, or its own."""
    if campaign.template_id:
        return templating.render(campaign.template, campaign.template_params)
    return campaign.phrase.text if campaign.phrase_id else campaign.text


def _sample_body(campaign):
    """The text as a recipient sees it, with a short link of the real length when the campaign has one."""
    return final_text(campaign)


def opt_out_suffix(text: str) -> str:
    """The opt-out line (SMS_OPT_OUT_LINE, 回复TD退订) a campaign message ends with, unless its text has it already.

    A template-only provider (Aliyun) sends the approved template and nothing after it: there the template itself
    must carry the line (the provider requires it of promotion templates), so nothing is added.
    """
    line = (getattr(settings, "SMS_OPT_OUT_LINE", "") or "").strip()
    if not line or line in text or getattr(get_gateway(), "templates_only", False):
        return ""
    return f" {line}"


SHORT_CODE_LENGTH = 8


def short_link(code: str) -> str:
    """The public URL of a delivery's short link."""
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/s/{code}"


def validate_content(campaign: Campaign) -> SegmentInfo:
    """Raise ValidationError if the text is empty or, signed and with its link, longer than SMS_MAX_SEGMENTS; if its
    template is not approved by the provider or a value breaks a variable rule; or if the gateway sends only
    templates and none of the approved ones gives this text."""
    if campaign.template_id:
        templating.check_usable(campaign.template)
        templating.validate_params(campaign.template, campaign.template_params)
    elif getattr(get_gateway(), "templates_only", False) and campaign_text(campaign).strip():
        templating.check_matches(signed(campaign_text(campaign).strip()))
    if not campaign_text(campaign).strip():
        raise ValidationError(_("The message has no text."), code=SmsErrorCode.EMPTY)
    info = segment_info(_sample_body(campaign))
    if info.segments > settings.SMS_MAX_SEGMENTS:
        raise ValidationError(
            _("The message takes %(segments)d segments with the signature and link; at most %(max)d are allowed.")
            % {"segments": info.segments, "max": settings.SMS_MAX_SEGMENTS},
            code=SmsErrorCode.TOO_LONG,
        )
    return info


@transaction.atomic
def submit_campaign(campaign: Campaign, by: AbstractBaseUser) -> Campaign:
    """Send a draft for approval: its content must be valid first."""
    validate_content(campaign)
    return _transition(campaign, "submit", by, submitted_by=by)


@transaction.atomic
def approve_campaign(campaign: Campaign, by: AbstractBaseUser) -> Campaign:
    """Second-person approval: whoever created or submitted a campaign cannot approve it.

    Stores the fingerprint of what was approved; a later edit no longer matches and stops every sending.
    """
    if not by.has_perm("sms.approve_campaign"):
        raise ApprovalDenied(_("You do not have permission to approve SMS campaigns."))
    if by.pk in {campaign.created_by_id, campaign.submitted_by_id}:
        raise ApprovalDenied(_("A campaign must be approved by someone other than its author and submitter."))
    validate_content(campaign)
    return _transition(
        campaign,
        "approve",
        by,
        approved_by=by,
        approved_at=timezone.now(),
        approved_fingerprint=campaign.fingerprint(),
    )


@transaction.atomic
def reject_campaign(campaign: Campaign, by: AbstractBaseUser) -> Campaign:
    """Send a pending campaign back to its author as a draft."""
    return _transition(campaign, "reject", by)


@transaction.atomic
def cancel_campaign(campaign: Campaign, by: AbstractBaseUser | None = None) -> Campaign:
    """Stop a campaign for good: its unfinished runs are cancelled and their waiting messages never sent."""
    _transition(campaign, "cancel", by)
    _stop_runs(campaign, "cancelled", _("Campaign cancelled"))
    return campaign


def _stop_runs(campaign, code, reason):
    """Cancel the campaign's unfinished runs; their waiting messages are never sent."""
    from sms.models import CampaignRun, Delivery, DeliveryStatus

    runs = CampaignRun.objects.filter(campaign=campaign).exclude(
        status__in=[CampaignRun.Status.DONE, CampaignRun.Status.CANCELLED]
    )
    # Rows in "sending" may be in a provider's hands already: they finish (or are reconciled) as usual.
    Delivery.objects.filter(run__in=runs, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SKIPPED,
        error_code=code,
        error_message=reason,
        next_attempt_at=None,
        updated_at=timezone.now(),
    )
    runs.update(status=CampaignRun.Status.CANCELLED, finished_at=timezone.now())


@transaction.atomic
def mark_edited(campaign: Campaign, by: AbstractBaseUser | None = None) -> Campaign:
    """Call after an admin edit: if what approval vouched for changed, the campaign is a draft again.

    Its unfinished runs are cancelled: they were rendered and built from what the approver saw, and must not
    resume after a new approval of different content (that approval starts a run of its own).
    """
    if not campaign.approved_fingerprint or campaign.approved_fingerprint == campaign.fingerprint():
        return campaign
    _stop_runs(campaign, "edited", _("Campaign edited after approval"))
    if campaign.status in TRANSITIONS["edit"][0]:
        return _transition(
            campaign, "edit", by, approved_by=None, approved_at=None, approved_fingerprint="", submitted_by=None
        )
    Campaign.objects.filter(pk=campaign.pk).update(approved_by=None, approved_at=None, approved_fingerprint="")
    campaign.approved_by, campaign.approved_at, campaign.approved_fingerprint = None, None, ""
    return campaign


# --- Recipients and preview -----------------------------------------------------------------------------------------


class SkipReason:
    OPTED_OUT = "opted_out"
    INVALID = "invalid_number"
    FOREIGN = "foreign_number"
    NOT_MOBILE = "not_mobile"

    labels = {
        OPTED_OUT: gettext_lazy("Opted out of SMS"),
        INVALID: gettext_lazy("Invalid phone number"),
        FOREIGN: gettext_lazy("Number outside mainland China"),
        NOT_MOBILE: gettext_lazy("Not a mobile number"),
    }


def recipient_problem(phone: str | PhoneNumber) -> str | None:
    """Why a number cannot receive a campaign SMS (a SkipReason code), or None if it can."""
    from phonenumber_field.phonenumber import to_python

    from directory.models import MOBILE_TYPES

    number = phone if hasattr(phone, "is_valid") else to_python(str(phone), region="CN")
    if number is None or not number.is_valid():
        return SkipReason.INVALID
    if phonenumbers.region_code_for_number(number) != "CN":
        return SkipReason.FOREIGN
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        return SkipReason.NOT_MOBILE
    return None


@dataclass(frozen=True)
class Preview:
    recipients: int
    skipped: dict  # SkipReason code -> count
    encoding: str
    segments: int
    characters: int
    estimated_cost: Decimal
    estimated_seconds: float


def preview(campaign: Campaign, chunk_size: int = 2000) -> Preview:
    """What sending would do: recipients, skipped by reason, encoding, segments, cost and duration at SMS_RATE."""
    from collections import Counter

    from sms.audience import audience

    info = segment_info(_sample_body(campaign))
    cadres = audience(campaign)
    skipped = Counter()
    recipients = 0
    for phone in cadres.values_list("phone", flat=True).iterator(chunk_size=chunk_size):
        problem = recipient_problem(phone)
        if problem:
            skipped[problem] += 1
        else:
            recipients += 1
    opted_out = audience(campaign, include_opted_out=True).filter(sms_opt_in=False).count()
    if opted_out:
        skipped[SkipReason.OPTED_OUT] = opted_out
    rate = settings.SMS_RATE
    return Preview(
        recipients=recipients,
        skipped=dict(skipped),
        encoding=info.encoding,
        segments=info.segments,
        characters=info.units,
        estimated_cost=estimated_cost(info.segments, recipients),
        estimated_seconds=recipients / rate if rate > 0 else 0.0,
    )


def final_text(campaign: Campaign, recipient: dict | None = None) -> str:
    """The text exactly as a recipient receives it: signature, the template filled (with `recipient`'s own name,
    post and unit, or typical ones), the short link and the opt-out line."""
    text = templating.fill_recipient(signed(campaign_text(campaign).strip()), recipient or templating.SAMPLE_RECIPIENT)
    if campaign.link_page_id:
        text = f"{text} {short_link('x' * SHORT_CODE_LENGTH)}"
    return text + opt_out_suffix(text)


def send_test(campaign: Campaign, by: AbstractBaseUser) -> Message:
    """Send the campaign's text to the user's own phone (their cadre record) before approval, marked as a test.

    Refused with NO_PHONE when the account is linked to no cadre with a phone; gateway errors propagate.
    """
    from sms.models import MessageKind

    cadre = Cadre.objects.filter(user=by).select_related("department").first()
    if cadre is None or not cadre.phone:
        raise ValidationError(
            _("Your account is not linked to a cadre with a mobile number, so there is nowhere to send a test."),
            code=SmsErrorCode.NO_PHONE,
        )
    validate_content(campaign)
    text = final_text(campaign, templating.recipient_values(cadre))
    audit.info("campaign %s test sent to the phone of user %s", campaign.pk, by.pk)
    return send_message(cadre.phone, text, kind=MessageKind.NOTICE, cadre=cadre, purpose=SignaturePurpose.CADRE_WARNING)
