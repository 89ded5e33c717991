"""Alibaba Cloud SMS (dysmsapi 2017-05-25), through the official SDK ``alibabacloud_dysmsapi20170525``.

Every message in mainland China is a registered signature plus an approved template with parameters. Our messages
are rendered text (what the operator previewed), so this backend turns the text back into its parts: the leading
【signature】 is the SignName, and the rest is matched against the approved templates (``sms.templating``); a text
no template matches goes through ALIYUN_SMS_FALLBACK_TEMPLATE (one variable holding the whole text) when configured,
else it is refused as permanent.

The provider id we record is the ``OutId`` we give each request (a fresh random token): QuerySendDetails, delivery
reports and our reconciliation all carry it, while Aliyun's own BizId is not in QuerySendDetails' answer.

Errors (https://help.aliyun.com/zh/sms/developer-reference/api-error-codes):
- per-number flow control (isv.BUSINESS_LIMIT_CONTROL, minute/hour/day) and the account's daily limit:
  DeferredError until the limit allows; no attempt used;
- isv.AMOUNT_NOT_ENOUGH, isv.OUT_OF_SERVICE (balance exhausted, service stopped): AccountError;
- bad or blacklisted numbers, templates, signatures, parameters: PermanentError with the provider's reason;
- Throttling.*, bad credentials: TemporaryError, not sent; 5xx, isp.SYSTEM_ERROR, read timeouts, a reset after
  the request went out: TemporaryError(maybe_sent=True), so dispatch asks find_sent before any resend.
The access key secret is only ever given to the SDK: it is in no log line, no error and no repr.
"""

import datetime
import ipaddress
import json
import logging
import re
import threading
import uuid
import zoneinfo

import requests
from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import exceptions as openapi_errors
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import UnretryableException
from darabonba.runtime import RuntimeOptions
from django.utils.crypto import constant_time_compare
from urllib3.exceptions import NewConnectionError

from core.client import client_address
from sms.models import DeliveryStatus

from .base import (
    AccountError,
    DeferredError,
    Gateway,
    InboundMessage,
    PermanentError,
    SendResult,
    StatusUpdate,
    TemporaryError,
)

logger = logging.getLogger(__name__)
CHINA = zoneinfo.ZoneInfo("Asia/Shanghai")
SIGNATURE_RE = re.compile(r"^【(?P<sign>[^】]{1,20})】")
OUT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

ACCOUNT_CODES = {"isv.AMOUNT_NOT_ENOUGH", "isv.OUT_OF_SERVICE", "isv.ACCOUNT_ABNORMAL", "isv.ACCOUNT_NOT_EXISTS"}
# Refusals about the account's configuration rather than the message: an operator can fix them, so retry.
CONFIG_CODES = {
    "isp.RAM_PERMISSION_DENY",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
    "InvalidAccessKeyId.Inactive",
    "Forbidden.RAM",
    "MissingAuthorization",
}
# Answers that may come after the message was taken.
MAYBE_SENT_CODES = {"isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR"}
FLOW_LEVELS = (("分钟", 60), ("小时", 3600), ("天", None), ("minute", 60), ("hour", 3600), ("day", None))
# Delivery reports: success true/false; an error code of the carrier otherwise.
PAGE_SIZE = 50
MAX_PAGES = 20


def local_number(to: str) -> str:
    """Aliyun's form of an E.164 number: 11 digits for the mainland, country code and number (no +) otherwise."""
    digits = to.lstrip("+")
    return digits[2:] if to.startswith("+86") else digits


def e164(number: str) -> str:
    number = (number or "").strip()
    if re.fullmatch(r"1\d{10}", number):
        return f"+86{number}"
    if re.fullmatch(r"\+?\d{8,15}", number):
        return number if number.startswith("+") else f"+{number}"
    return ""


def until_tomorrow(now: datetime.datetime | None = None) -> float:
    local = (now or datetime.datetime.now(CHINA)).astimezone(CHINA)
    tomorrow = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(8), tzinfo=CHINA)
    return (tomorrow - local).total_seconds()


def flow_control_wait(message: str) -> float:
    """Seconds until a per-number flow control lets the number receive again, from the provider's message."""
    for word, seconds in FLOW_LEVELS:
        if word in (message or ""):
            return seconds if seconds is not None else until_tomorrow()
    return 60.0


def split_signature(body: str, default: str = "") -> tuple[str, str]:
    """(sign name, text after it) of a rendered message."""
    match = SIGNATURE_RE.match(body)
    if match:
        return match["sign"], body[match.end() :]
    return default.strip("【】"), body


def _never_connected(exc: BaseException) -> bool:
    seen, stack = set(), [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, NewConnectionError | ConnectionRefusedError):
            return True
        stack.extend([getattr(e, "reason", None), e.__cause__, e.__context__, getattr(e, "inner_exception", None)])
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return False


class GatewayBackend(Gateway):
    name = "aliyun"
    # Reports go to one URL configured in the Aliyun console (see sms.aliyun_push), not one per message.
    supports_status_callbacks = False
    # Free text is not allowed: a campaign's text must come from an approved template (sms.templating).
    templates_only = True

    def __init__(self, settings):
        super().__init__(settings)
        self.access_key_id = settings.ALIYUN_SMS_ACCESS_KEY_ID
        self._secret = settings.ALIYUN_SMS_ACCESS_KEY_SECRET
        self.endpoint = settings.ALIYUN_SMS_ENDPOINT
        self.region = settings.ALIYUN_SMS_REGION
        self.protocol = settings.ALIYUN_SMS_PROTOCOL
        self.timeout_ms = int(float(settings.ALIYUN_SMS_TIMEOUT or 10) * 1000)
        self.fallback_template = settings.ALIYUN_SMS_FALLBACK_TEMPLATE
        self.fallback_param = settings.ALIYUN_SMS_FALLBACK_PARAM
        self.default_sign = getattr(settings, "SMS_SIGNATURE", "")
        self.callback_secret = settings.ALIYUN_SMS_CALLBACK_SECRET
        self.callback_sources = [s for s in settings.ALIYUN_SMS_CALLBACK_SOURCES if s]
        self._local = threading.local()

    def __repr__(self):
        return f"<aliyun gateway {self.endpoint} key {self.access_key_id[:4]}…>"

    @property
    def client(self) -> Client:
        # One SDK client per thread: dispatch shares one backend across a thread pool.
        client = getattr(self._local, "client", None)
        if client is None:
            config = Config(
                access_key_id=self.access_key_id,
                access_key_secret=self._secret,
                endpoint=self.endpoint,
                region_id=self.region,
                protocol=self.protocol,
                read_timeout=self.timeout_ms,
                connect_timeout=min(self.timeout_ms, 5000),
            )
            client = self._local.client = Client(config)
        return client

    def runtime(self) -> RuntimeOptions:
        # No SDK-level retries: dispatch decides, after asking find_sent when the message may have been taken.
        return RuntimeOptions(read_timeout=self.timeout_ms, connect_timeout=min(self.timeout_ms, 5000))

    # --- sending -------------------------------------------------------------------------------------------------

    def resolve(self, body: str) -> tuple[str, str, dict]:
        """(SignName, TemplateCode, TemplateParam) of a rendered message; PermanentError when none fits."""
        from sms import templating

        sign, text = split_signature(body, self.default_sign)
        if not sign:
            raise PermanentError("No signature: every SMS in mainland China must carry one", "no_signature")
        found = templating.match_text(text, getattr(self, "_patterns", None))
        if found is not None:
            return sign, found[0], found[1]
        if self.fallback_template:
            return sign, self.fallback_template, {self.fallback_param: text}
        raise PermanentError("No approved template matches this text", "no_template")

    def prepare(self) -> None:
        """Read the approved templates now, in the caller's thread: dispatch's pool threads never touch the database."""
        from sms import templating

        self._patterns = templating.load_patterns()

    def send(self, to, body, status_callback=None, template=None):
        if template is not None:
            # The system's own messages name their template: no matching, the provider gets exactly these values.
            sign, _text = split_signature(body, self.default_sign)
            code, params = template.code, template.params
        else:
            sign, code, params = self.resolve(body)
        out_id = uuid.uuid4().hex
        request = sms_models.SendSmsRequest(
            phone_numbers=local_number(to),
            sign_name=sign,
            template_code=code,
            template_param=json.dumps(params, ensure_ascii=False),
            out_id=out_id,
        )
        answer = self._call(lambda: self.client.send_sms_with_options(request, self.runtime()), sending=True)
        self._check(answer.body.code, answer.body.message)
        return SendResult(provider_id=out_id, status=DeliveryStatus.SENT)

    def send_batch(self, items: list[tuple[str, str]]) -> list[SendResult | Exception]:
        """Up to 100 (to, body) pairs of one template in one SendBatchSms request; each gets the same OutId.

        Used by the benchmark to measure whether batching raises throughput; dispatch sends one by one, since a
        batch shares one OutId and one fate, which breaks per-recipient reconciliation.
        """
        resolved = [self.resolve(body) for _to, body in items]
        codes = {code for _sign, code, _params in resolved}
        if len(codes) != 1:
            raise PermanentError("A batch is one template", "batch_templates")
        out_id = uuid.uuid4().hex
        request = sms_models.SendBatchSmsRequest(
            phone_number_json=json.dumps([local_number(to) for to, _body in items]),
            sign_name_json=json.dumps([sign for sign, _c, _p in resolved], ensure_ascii=False),
            template_code=codes.pop(),
            template_param_json=json.dumps([params for _s, _c, params in resolved], ensure_ascii=False),
            out_id=out_id,
        )
        answer = self._call(lambda: self.client.send_batch_sms_with_options(request, self.runtime()), sending=True)
        self._check(answer.body.code, answer.body.message)
        return [SendResult(provider_id=f"{out_id}", status=DeliveryStatus.SENT) for _ in items]

    def _call(self, call, sending=False):
        try:
            return call()
        except openapi_errors.ThrottlingException as exc:
            raise TemporaryError(self._message(exc), exc.code or "Throttling", retry_after=exc.retry_after) from None
        except openapi_errors.ServerException as exc:
            # The gateway failed while handling the request: it may have been taken.
            raise TemporaryError(self._message(exc), exc.code or exc.status_code, maybe_sent=sending) from None
        except openapi_errors.ClientException as exc:
            code = exc.code or str(exc.status_code)
            if code.startswith("Throttling") or code in CONFIG_CODES or exc.status_code in (401, 403, 429):
                raise TemporaryError(self._message(exc), code) from None
            raise PermanentError(self._message(exc), code) from None
        except UnretryableException as exc:
            inner = exc.inner_exception
            if isinstance(inner, requests.ConnectTimeout) or _never_connected(exc):
                raise TemporaryError("Aliyun SMS unreachable", "connect") from None
            if isinstance(inner, requests.RequestException | OSError):
                # Read timeout or a reset after the request was written: Aliyun may have taken the message.
                raise TemporaryError(
                    f"No answer from Aliyun SMS: {type(inner).__name__}", "timeout", maybe_sent=sending
                ) from None
            raise TemporaryError(
                f"Unreadable answer from Aliyun SMS: {type(inner).__name__}", "unreadable", maybe_sent=sending
            ) from None

    @staticmethod
    def _message(exc) -> str:
        # The SDK's message names the request id, never the key; cut to what a column holds.
        return str(getattr(exc, "message", "") or exc)[:200]

    def _check(self, code: str, message: str) -> None:
        if code == "OK":
            return
        reason = f"{code}: {message}"[:200]
        if code == "isv.BUSINESS_LIMIT_CONTROL":
            raise DeferredError(reason, code, retry_after=flow_control_wait(message))
        if code == "isv.DAY_LIMIT_CONTROL":
            raise DeferredError(reason, code, retry_after=until_tomorrow())
        if code in ACCOUNT_CODES:
            raise AccountError(reason, code, retry_after=600)
        if code in CONFIG_CODES or (code or "").startswith("Throttling"):
            raise TemporaryError(reason, code)
        if code in MAYBE_SENT_CODES:
            raise TemporaryError(reason, code, maybe_sent=True)
        raise PermanentError(reason, code)

    # --- reconciliation ------------------------------------------------------------------------------------------

    def find_sent(self, to, body, since):
        since = since.astimezone(CHINA) if since.tzinfo else since.replace(tzinfo=CHINA)
        today = datetime.datetime.now(CHINA).date()
        day = since.date()
        while day <= today:
            for detail in self._details(to, day):
                sent_at = _parse_time(detail.send_date)
                if detail.content == body and (sent_at is None or sent_at >= since - datetime.timedelta(seconds=5)):
                    return detail.out_id or None
            day += datetime.timedelta(days=1)
        return None

    def _details(self, to, day):
        for page in range(1, MAX_PAGES + 1):
            request = sms_models.QuerySendDetailsRequest(
                phone_number=local_number(to),
                send_date=day.strftime("%Y%m%d"),
                page_size=PAGE_SIZE,
                current_page=page,
            )
            answer = self._call(lambda r=request: self.client.query_send_details_with_options(r, self.runtime()))
            if answer.body.code != "OK":
                raise TemporaryError(f"QuerySendDetails: {answer.body.code}", answer.body.code, maybe_sent=True)
            dtos = answer.body.sms_send_detail_dtos
            rows = (dtos.sms_send_detail_dto if dtos else None) or []
            yield from rows
            if len(rows) < PAGE_SIZE:
                return

    @staticmethod
    def status_of(detail) -> StatusUpdate | None:
        """A QuerySendDetails row as a StatusUpdate (pull), or None while the handset's receipt is awaited."""
        status = {3: DeliveryStatus.DELIVERED, 2: DeliveryStatus.UNDELIVERED}.get(_int(detail.send_status))
        if status is None or not detail.out_id or not OUT_ID.fullmatch(detail.out_id):
            return None
        code = "" if status == DeliveryStatus.DELIVERED else (detail.err_code or "")[:40]
        return StatusUpdate(provider_id=detail.out_id, status=status, error_code=code)

    # --- templates and signatures ----------------------------------------------------------------------------------

    def list_templates(self) -> list[dict]:
        return self._list(
            sms_models.QuerySmsTemplateListRequest, "query_sms_template_list_with_options", "sms_template_list"
        )

    def list_signatures(self) -> list[dict]:
        return self._list(sms_models.QuerySmsSignListRequest, "query_sms_sign_list_with_options", "sms_sign_list")

    def _list(self, request_class, method, attribute):
        rows, page = [], 1
        while page <= MAX_PAGES:
            request = request_class(page_index=page, page_size=50)
            answer = self._call(lambda r=request: getattr(self.client, method)(r, self.runtime()))
            self._check(answer.body.code, answer.body.message)
            chunk = [item.to_map() for item in getattr(answer.body, attribute) or []]
            rows += chunk
            if len(chunk) < 50:
                break
            page += 1
        return rows

    # --- webhooks ------------------------------------------------------------------------------------------------

    def verify_request(self, request):
        """A push is ours when its path carries the callback secret and (if configured) it comes from an allowed
        address. Only the push URLs carry a secret: the generic webhook URLs never authenticate an Aliyun push."""
        match = getattr(request, "resolver_match", None)
        secret = match.kwargs.get("secret", "") if match else ""
        if not self.callback_secret or not constant_time_compare(secret, self.callback_secret):
            return False
        if not self.callback_sources:
            return True
        try:
            address = ipaddress.ip_address(client_address(request))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in self.callback_sources)

    def parse_status(self, data):
        """One SmsReport item (a dict) as a StatusUpdate, or None when it is not one."""
        if not isinstance(data, dict):
            return None
        out_id = data.get("out_id")
        success = data.get("success")
        if not isinstance(out_id, str) or not OUT_ID.fullmatch(out_id) or not isinstance(success, bool):
            return None
        code = data.get("err_code") if isinstance(data.get("err_code"), str) else ""
        status = DeliveryStatus.DELIVERED if success else DeliveryStatus.UNDELIVERED
        return StatusUpdate(provider_id=out_id, status=status, error_code="" if success else code[:40])

    def parse_inbound(self, data):
        """One SmsUp item (a dict) as an InboundMessage, or None."""
        if not isinstance(data, dict):
            return None
        sender, content = e164(str(data.get("phone_number") or "")), data.get("content")
        if not sender or not isinstance(content, str):
            return None
        sequence = str(data.get("sequence_id") or "")
        provider_id = f"up-{sequence}" if sequence.isdigit() and len(sequence) < 60 else ""
        extra = {k: str(data.get(k) or "")[:100] for k in ("sign_name", "dest_code", "send_time")}
        return InboundMessage(sender=sender, body=content.replace("\x00", ""), provider_id=provider_id, extra=extra)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse_time(text):
    try:
        return datetime.datetime.strptime(text or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        return None
