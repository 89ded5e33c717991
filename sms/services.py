"""SMS operations other parts of the system call. Campaign dispatch lives in sms/dispatch.py."""

import logging

from django.conf import settings
from django.utils import timezone

from sms.encoding import segment_info
from sms.gateways import get_gateway
from sms.models import Direction, Message, MessageKind

logger = logging.getLogger(__name__)


def signed(body: str) -> str:
    """The text as the recipient sees it: the configured signature first (required by Chinese carriers)."""
    signature = settings.SMS_SIGNATURE
    return body if not signature or body.startswith(signature) else f"{signature}{body}"


def send_message(phone, body, kind=MessageKind.NOTICE, cadre=None, gateway=None):
    """Send one SMS now, outside any campaign (codes, replies, notices), and log it. Raises GatewayError on failure.

    The log row is written after the gateway accepted the message, so a failed send leaves no "sent" record.
    Gateways that report delivery (Twilio) are given the status webhook, which updates the row's status.
    """
    from sms.tracking import status_callback_url

    gateway = gateway or get_gateway()
    text = signed(body)
    info = segment_info(text)
    to = phone if isinstance(phone, str) else phone.as_e164
    callback = status_callback_url(gateway.name) if getattr(gateway, "supports_status_callbacks", False) else None
    result = gateway.send(to, text, status_callback=callback)
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
