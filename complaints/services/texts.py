"""The SMS a named reporter gets at each stage and on each reply, and the opaque keys of every complaints notice.

Anonymous reporters get nothing: there is no number to send to. Texts are written in SMS_LANGUAGE, whatever the
language of the request that caused them.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from complaints import crypto
from complaints.models import Complaint, Reporter, Status
from sms import notices
from sms.models import Notice

SMS_LANGUAGE = "zh-hans"


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


def notice_key(kind: str, *parts: object) -> str:
    """An opaque notice key: the SMS tables hold the phone beside the key, so the key must not name the case."""
    return f"complaints.{kind}:" + crypto.digest("notice", ":".join(str(part) for part in parts))[:40]


def notify_reporter(complaint: Complaint, what: str, key_suffix: str = "") -> Notice | None:
    """Queue a notice to a named reporter (no-op for anonymous ones); idempotent per complaint and stage."""
    phone = _reporter_phone(complaint)
    if phone is None:
        return None
    with translation.override(SMS_LANGUAGE):
        body = _sms_body(what)
    return notices.queue_notice(notice_key("reporter", complaint.pk, what, key_suffix), phone, body)
