"""The gateway interface. A backend is one module in sms/gateways/ defining ``GatewayBackend(Gateway)``.

Dispatch relies on three promises from every backend:
- ``send`` returns a SendResult with the provider's message id, or raises TemporaryError (safe or necessary to
  retry: rate limited, server error, timeout) or PermanentError (retrying cannot help: bad number, blocked).
- ``find_sent`` answers whether a message to a number with a given text was accepted since a time. After a
  timeout or a worker killed mid-request we do not know whether the provider took the message; asking it before
  sending again is what keeps a recipient from getting two copies.
- webhooks are authenticated by ``verify_request`` before anything is parsed.

Two refinements of TemporaryError let a provider say more than "retry later": ``DeferredError`` (this number's
own limit, e.g. Aliyun's per-number flow control: wait ``retry_after`` seconds, no attempt used) and
``AccountError`` (the account cannot send at all, e.g. its balance is exhausted: sending pauses, the SMS operators
are alerted, no attempt used). Neither was accepted by the provider.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    # The provider's status, mapped to our DeliveryStatus values ("queued", "sending", "sent" ...).
    status: str = "sent"


@dataclass(frozen=True)
class TemplateRef:
    """The approved template a message was rendered from: the provider's code and the values of its variables.

    Backends that send text (console, Twilio) ignore it; template-only ones (Aliyun) send exactly this.
    """

    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StatusUpdate:
    provider_id: str
    status: str
    error_code: str = ""


@dataclass(frozen=True)
class InboundMessage:
    sender: str  # E.164
    body: str
    provider_id: str = ""
    extra: dict = field(default_factory=dict)


class GatewayError(Exception):
    def __init__(self, message, code="", retry_after=None):
        super().__init__(message)
        self.code = str(code or "")
        self.retry_after = retry_after


class TemporaryError(GatewayError):
    """Retry later (HTTP 429, 5xx, timeouts). `maybe_sent` is True when the provider may have taken the message."""

    def __init__(self, message, code="", retry_after=None, maybe_sent=False):
        super().__init__(message, code, retry_after)
        self.maybe_sent = maybe_sent


class DeferredError(TemporaryError):
    """Not accepted because of a limit on this number; retry after `retry_after` seconds without using an attempt."""


class AccountError(TemporaryError):
    """Not accepted because the account cannot send (balance, suspension): pause sending and alert the operators."""


class PermanentError(GatewayError):
    """The message cannot be sent to this number; do not retry."""


class Gateway:
    name = "base"

    def __init__(self, settings):
        self.settings = settings

    def send(
        self, to: str, body: str, status_callback: str | None = None, template: TemplateRef | None = None
    ) -> SendResult:
        """Send `body` (signed, rendered); `template` is what it was rendered from, when known."""
        raise NotImplementedError

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The provider id of a message with this text accepted for this number since `since`, if any."""
        raise NotImplementedError

    def verify_request(self, request) -> bool:
        """Whether a webhook request really comes from the provider."""
        raise NotImplementedError

    def parse_status(self, data) -> StatusUpdate | None:
        raise NotImplementedError

    def parse_inbound(self, data) -> InboundMessage | None:
        raise NotImplementedError


def get_gateway(name=None):
    """The configured backend (settings.SMS_GATEWAY), e.g. sms.gateways.twilio.GatewayBackend."""
    from importlib import import_module

    from django.conf import settings

    module = import_module(f"sms.gateways.{name or settings.SMS_GATEWAY}")
    return module.GatewayBackend(settings)
