"""The SMS a named reporter gets at each stage and on each reply, and the opaque keys of every complaints notice.

Anonymous reporters get nothing: there is no number to send to. Texts are written in SMS_LANGUAGE, whatever the
language of the request that caused them.
"""

from complaints import crypto
from complaints.models import Complaint, Reporter
from sms import notices
from sms.models import Notice

SMS_LANGUAGE = "zh-hans"


def _reporter_phone(complaint):
    reporter = Reporter.objects.filter(complaint=complaint).first()
    return crypto.decrypt(reporter.phone_encrypted) if reporter else None


def notice_key(kind: str, *parts: object) -> str:
    """An opaque notice key: the SMS tables hold the phone beside the key, so the key must not name the case."""
    return f"complaints.{kind}:" + crypto.digest("notice", ":".join(str(part) for part in parts))[:40]


def notify_reporter(complaint: Complaint, what: str, key_suffix: str = "") -> Notice | None:
    """Queue a notice to a named reporter (no-op for anonymous ones); idempotent per complaint and stage."""
    phone = _reporter_phone(complaint)
    if phone is None:
        return None
    # The SMS template of the stage (sms.system_templates "complaints.reporter.<stage>") has no variable: no
    # reference and no detail, since the SMS log keeps the phone number beside the text. The reporter opens the
    # case with their reference and receipt.
    return notices.queue_notice(
        notice_key("reporter", complaint.pk, what, key_suffix), phone, template=f"complaints.reporter.{what}"
    )
