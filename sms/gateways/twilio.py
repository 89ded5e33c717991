"""Twilio, through the official SDK. settings.TWILIO_BASE_URL points it at a compatible server (tests: a fake).

Behind a reverse proxy, webhook signatures only validate when Django rebuilds the public URL Twilio called:
production settings set SECURE_PROXY_SSL_HEADER and USE_X_FORWARDED_HOST for that.
"""

import logging
import re
import threading
from datetime import UTC, timedelta
from urllib.parse import urlsplit, urlunsplit

import phonenumbers
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from sms.models import DeliveryStatus

from .base import Gateway, InboundMessage, PermanentError, SendResult, StatusUpdate, TemporaryError

logger = logging.getLogger(__name__)

# Twilio's message statuses (https://www.twilio.com/docs/messaging/api/message-resource#message-status-values).
STATUS_MAP = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.SENDING,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    # WhatsApp/RCS read receipts: the message was delivered.
    "read": DeliveryStatus.DELIVERED,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    # Only a scheduled message can be canceled, and it never left Twilio.
    "canceled": DeliveryStatus.FAILED,
}

# 4xx answers that are not about the message itself: retrying later can succeed.
TEMPORARY_CODES = {
    20429,  # too many requests
    21611,  # the sender's queue is full
    # Bad credentials are a configuration error: failing every recipient of a campaign for it would be worse
    # than retrying until an operator fixes the settings (attempts are capped by SMS_MAX_ATTEMPTS).
    20003,
    20005,  # account suspended
}

# After a timeout we look for the message at Twilio; its clock and ours may differ slightly.
CLOCK_SLACK = timedelta(seconds=5)


class RewritingHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, pointed at another scheme+host (path and query kept), remembering its last answer.

    The SDK has no base-URL setting; this is its supported extension point.
    """

    def __init__(self, base_url="", timeout=None):
        super().__init__(timeout=timeout)
        base = urlsplit(base_url) if base_url else None
        self.base = (base.scheme, base.netloc) if base else None
        self.last_response = None
        if self.session is not None:
            # The SDK sizes the pool for https only; a fake on http gets the same.
            self.session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))

    def request(self, method, url, *args, **kwargs):
        if self.base:
            parts = urlsplit(url)
            url = urlunsplit((*self.base, parts.path, parts.query, parts.fragment))
        self.last_response = None
        self.last_response = super().request(method, url, *args, **kwargs)
        return self.last_response


def _retry_after(response):
    value = response.headers.get("Retry-After") if response is not None and response.headers else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare enough that the caller's own back-off is fine


def _never_connected(exc):
    """Whether a requests ConnectionError happened before any byte of the request could reach the server."""
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, NewConnectionError):  # refused, unreachable, DNS failure
            return True
        stack.extend([getattr(e, "reason", None), e.__cause__, e.__context__])
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return False


class GatewayBackend(Gateway):
    name = "twilio"
    # Status callbacks need a URL Twilio can reach (sms.tracking.status_callback_url).
    supports_status_callbacks = True

    def __init__(self, settings):
        super().__init__(settings)
        self.account_sid = settings.TWILIO_ACCOUNT_SID
        self.auth_token = settings.TWILIO_AUTH_TOKEN
        self.sender = settings.TWILIO_FROM
        self.base_url = settings.TWILIO_BASE_URL
        self.timeout = settings.TWILIO_TIMEOUT or None
        self.webhook_base_url = getattr(settings, "SMS_WEBHOOK_BASE_URL", "").rstrip("/")
        # requests.Session (inside TwilioHttpClient) is not documented thread-safe, and the client keeps its last
        # request/response as attributes: dispatch shares one backend across a thread pool, so one client per thread.
        self._local = threading.local()

    @property
    def http(self) -> RewritingHttpClient:
        self.client  # noqa: B018 (creates this thread's client)
        return self._local.http

    @property
    def client(self) -> Client:
        client = getattr(self._local, "client", None)
        if client is None:
            self._local.http = RewritingHttpClient(self.base_url, timeout=self.timeout)
            client = self._local.client = Client(self.account_sid, self.auth_token, http_client=self._local.http)
        return client

    def send(self, to, body, status_callback=None, template=None):
        kwargs = {"to": to, "from_": self.sender, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**kwargs)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise self._error(exc) from exc
        except requests.RequestException as exc:
            raise self._transport_error(exc) from exc
        except TwilioException as exc:  # an answer the SDK could not read: it may have been a success
            raise TemporaryError(str(exc), maybe_sent=True) from exc
        return SendResult(provider_id=message.sid, status=STATUS_MAP.get(message.status, DeliveryStatus.QUEUED))

    def _error(self, exc):
        status = int(exc.status or 0)
        code = exc.code if exc.code not in (None, status) else ""
        message = getattr(exc, "msg", None) or getattr(exc, "title", "") or str(exc)
        if status == 429 or code == 20429:
            # Twilio never processes a rate-limited request.
            return TemporaryError(message, code or 20429, retry_after=_retry_after(self.http.last_response))
        if status >= 500:
            # Twilio documents that a 5xx request may or may not have been processed.
            return TemporaryError(message, code or status, maybe_sent=True)
        if code in TEMPORARY_CODES or status in (401, 403) and not code:
            return TemporaryError(message, code or status, retry_after=_retry_after(self.http.last_response))
        return PermanentError(message, code or status)

    def _transport_error(self, exc):
        if isinstance(exc, requests.ConnectTimeout) or (
            isinstance(exc, requests.ConnectionError) and _never_connected(exc)
        ):
            return TemporaryError(f"Twilio unreachable: {exc}", "connect", maybe_sent=False)
        # Read timeout, connection reset after the request was written...: Twilio may have taken the message.
        return TemporaryError(f"No answer from Twilio: {exc}", "timeout", maybe_sent=True)

    def find_sent(self, to, body, since):
        since_utc = (since.astimezone(UTC) if since.tzinfo else since.replace(tzinfo=UTC)) - CLOCK_SLACK
        since_utc = since_utc.replace(microsecond=0)
        try:
            # The SDK sends DateSent>=<since> formatted with strftime("...Z") and no conversion: pass UTC.
            # A message still queued at Twilio has no date_sent and escapes that filter, so the newest messages to the
            # number are read too (a cadre gets a few a day, so one page covers any plausible window).
            candidates = self.client.messages.list(to=to, date_sent_after=since_utc, limit=50)
            candidates += self.client.messages.list(to=to, limit=50)
        except (TwilioException, requests.RequestException) as exc:
            raise TemporaryError(f"Could not list messages: {exc}", maybe_sent=True) from exc
        for message in candidates:
            created = message.date_created
            if message.body == body and (created is None or created >= since_utc):
                return message.sid
        return None

    def verify_request(self, request):
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.auth_token:
            return False
        return RequestValidator(self.auth_token).validate(self.public_url(request), request.POST, signature)

    def public_url(self, request):
        """The URL exactly as Twilio called it, query string included: the signature covers it.

        Behind a proxy, scheme and host come from X-Forwarded-Proto/-Host (SECURE_PROXY_SSL_HEADER,
        USE_X_FORWARDED_HOST); SMS_WEBHOOK_BASE_URL overrides both for proxies that rewrite them.
        """
        if self.webhook_base_url:
            return self.webhook_base_url + request.get_full_path()
        return request.build_absolute_uri()

    def parse_status(self, data):
        sid = _field(data, "MessageSid") or _field(data, "SmsSid")
        status = STATUS_MAP.get((_field(data, "MessageStatus") or _field(data, "SmsStatus")).lower())
        if not PROVIDER_ID.fullmatch(sid) or not status:
            return None
        error_code = _field(data, "ErrorCode")
        return StatusUpdate(
            provider_id=sid, status=status, error_code=error_code if ERROR_CODE.fullmatch(error_code) else ""
        )

    def parse_inbound(self, data):
        sender = _e164(_field(data, "From"))
        body = _field(data, "Body", strip=False, default=None)
        provider_id = _field(data, "MessageSid")
        if not sender or body is None or (provider_id and not PROVIDER_ID.fullmatch(provider_id)):
            return None
        extra = {key: _field(data, key) for key in ("To", "FromCity", "FromCountry", "NumSegments")}
        # NUL means nothing in an SMS and PostgreSQL refuses it in text: dropped rather than refusing the message.
        return InboundMessage(sender=sender, body=body.replace("\x00", ""), provider_id=provider_id, extra=extra)


# Even a signed payload is checked before it reaches a column: a provider id or an error code longer than its column
# or a sender that is no phone number made the insert fail (a 500, and the provider retries it forever).
PROVIDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
ERROR_CODE = re.compile(r"[0-9]{1,20}")


def _e164(sender):
    """The sender as E.164, or "" when it is no possible phone number."""
    try:
        number = phonenumbers.parse(sender, "CN")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _field(data, key, strip=True, default=""):
    """One form value as a (trimmed) string, whatever shape the payload has (`default` when missing or odd)."""
    try:
        value = data.get(key)
    except (AttributeError, TypeError):
        return default
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return default
    return value.strip() if strip else value
