"""Replies (SmsUp) by pull, for a site Alibaba Cloud cannot push to: the provider puts them in an MNS queue.

Alibaba Cloud has no HTTP pull API for replies; it offers the push (sms.webhooks) or its message queue (MNS, now
"Simple Message Queue"): the SMS console names a queue ``Alicom-Queue-<account id>-SmsUp`` in Alibaba's own MNS
account. Reading it takes a temporary key from ``QueryTokenForMnsQueue`` (dybaseapi, 2017-05-25; valid for hours),
then MNS's HTTP API (version 2015-06-06): ``ReceiveMessage`` (GET /queues/<queue>/messages?waitseconds=N) and,
once the reply is applied, ``DeleteMessage`` (DELETE ... ?ReceiptHandle=...). Requests are signed
``MNS <AccessKeyId>:base64(HMAC-SHA1(secret, VERB\\nContent-MD5\\nContent-Type\\nDate\\nx-mns-headers\\nresource))``.

A message is deleted only after it was applied, so a crash in between delivers it again; the reply path is
idempotent by the reply's sequence id (sms.replies.receive), exactly as for a repeated push.
"""

import base64
import binascii
import datetime
import email.utils
import hashlib
import hmac
import json
import logging
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import requests
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import utils_models as openapi_models
from alibabacloud_tea_openapi.utils_models import Config

from sms.gateways.base import TemporaryError

logger = logging.getLogger(__name__)
MNS_VERSION = "2015-06-06"
NS = "{http://mns.aliyuncs.com/doc/v1/}"
CHINA = datetime.timezone(datetime.timedelta(hours=8))


@dataclass(frozen=True)
class Token:
    access_key_id: str
    secret: str
    security_token: str
    expires: datetime.datetime


@dataclass(frozen=True)
class QueueMessage:
    message_id: str
    receipt_handle: str
    body: object  # the decoded JSON item (a dict for SmsUp), or None when it is not JSON


def query_token(gateway, message_type: str = "SmsUp") -> Token:
    """A temporary key for the provider's queue of this message type (QueryTokenForMnsQueue)."""
    settings = gateway.settings
    config = Config(
        access_key_id=gateway.access_key_id,
        access_key_secret=gateway._secret,
        endpoint=settings.ALIYUN_SMS_MNS_TOKEN_ENDPOINT,
        region_id=gateway.region,
        protocol=gateway.protocol,
        read_timeout=gateway.timeout_ms,
        connect_timeout=min(gateway.timeout_ms, 5000),
    )
    params = openapi_models.Params(
        action="QueryTokenForMnsQueue",
        version="2017-05-25",
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = openapi_models.OpenApiRequest(
        query={"MessageType": message_type, "QueueName": settings.ALIYUN_SMS_UP_QUEUE}
    )
    answer = gateway._call(lambda: Client(config).call_api(params, request, gateway.runtime()))
    body = answer.get("body") or {}
    dto = body.get("MessageTokenDTO") or {}
    if body.get("Code") != "OK" or not dto.get("SecurityToken"):
        raise TemporaryError(f"QueryTokenForMnsQueue: {body.get('Code')}", body.get("Code") or "mns_token")
    try:
        expires = datetime.datetime.strptime(dto.get("ExpireTime", ""), "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        expires = datetime.datetime.now(CHINA) + datetime.timedelta(minutes=10)
    return Token(dto["AccessKeyId"], dto["AccessKeySecret"], dto["SecurityToken"], expires)


def signature(secret: str, method: str, content_type: str, date: str, headers: dict, resource: str) -> str:
    """MNS's request signature (shared with the fake server, which recomputes it)."""
    mns = "".join(
        f"{k}:{v}\n" for k, v in sorted((k.lower(), v) for k, v in headers.items() if k.lower().startswith("x-mns-"))
    )
    text = f"{method}\n\n{content_type}\n{date}\n{mns}{resource}"
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()).decode()


class Queue:
    """One MNS queue read with a temporary token; `endpoint` is the queue service's base URL."""

    def __init__(self, endpoint: str, name: str, token: Token, timeout: float = 10.0):
        self.endpoint, self.name, self.token, self.timeout = endpoint.rstrip("/"), name, token, timeout

    def _request(self, method, resource):
        date = email.utils.formatdate(usegmt=True)
        content_type = "text/xml;charset=utf-8"
        headers = {"x-mns-version": MNS_VERSION, "x-mns-security-token": self.token.security_token}
        signed = signature(self.token.secret, method, content_type, date, headers, resource)
        headers.update(
            {"Date": date, "Content-Type": content_type, "Authorization": f"MNS {self.token.access_key_id}:{signed}"}
        )
        try:
            return requests.request(method, self.endpoint + resource, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise TemporaryError(f"MNS unreachable: {type(exc).__name__}", "mns") from None

    def receive(self, wait_seconds: int = 0) -> QueueMessage | None:
        """The next message (hidden from other readers until deleted or its visibility ends), or None."""
        resource = f"/queues/{urllib.parse.quote(self.name)}/messages?waitseconds={int(wait_seconds)}"
        answer = self._request("GET", resource)
        if answer.status_code == 404 and _error_code(answer) == "MessageNotExist":
            return None
        if answer.status_code != 200:
            raise TemporaryError(f"MNS ReceiveMessage: HTTP {answer.status_code}", _error_code(answer) or "mns")
        root = ET.fromstring(answer.content)
        return QueueMessage(
            message_id=root.findtext(f"{NS}MessageId") or "",
            receipt_handle=root.findtext(f"{NS}ReceiptHandle") or "",
            body=decode_body(root.findtext(f"{NS}MessageBody") or ""),
        )

    def delete(self, receipt_handle: str) -> None:
        resource = (
            f"/queues/{urllib.parse.quote(self.name)}/messages?ReceiptHandle={urllib.parse.quote(receipt_handle)}"
        )
        answer = self._request("DELETE", resource)
        if answer.status_code not in (200, 204):
            # The handle expired (the message became visible again): it comes back and is applied idempotently.
            logger.info("MNS DeleteMessage refused (%s): %s", answer.status_code, _error_code(answer))


def decode_body(text: str):
    """The JSON of a message body, written plain or base64-encoded (the queue's encoding setting decides)."""
    for candidate in (text, _unbase64(text)):
        if candidate is None:
            continue
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def _unbase64(text):
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _error_code(answer):
    try:
        return ET.fromstring(answer.content).findtext(f"{NS}Code") or ""
    except ET.ParseError:
        return ""
