"""A fake Alibaba Cloud SMS API (dysmsapi 2017-05-25) on a real local HTTP server, with fault injection.

In a test: the ``fake_aliyun`` fixture (tests/fakes/fixtures.py) starts one and points ALIYUN_SMS_* at it; the
official SDK then talks to it over HTTP (``Config(endpoint="127.0.0.1:PORT", protocol="http")``).
For benchmarks with several worker processes, run it as its own process; it prints its URL on stdout:

    python -m tests.fakes.aliyun_server --port 0 --access-key-id ID --access-key-secret SECRET

and configure it over HTTP: POST /_fake/config (JSON, any AliyunFakeConfig field), GET /_fake/stats,
POST /_fake/reset, POST /_fake/uplink (JSON {"phone_number", "content"}: a cadre's reply, pushed to up_url).

What it does like the real service: RPC-style POST / with the action in ``x-acs-action`` and the parameters in the
query string; the ``ACS3-HMAC-SHA256`` Authorization header is recomputed and a wrong one answered 400
SignatureDoesNotMatch; business errors answered HTTP 200 with their ``Code`` (isv.BUSINESS_LIMIT_CONTROL per number
and minute/hour/day, isv.AMOUNT_NOT_ENOUGH, isv.MOBILE_NUMBER_ILLEGAL ...); SendSms, SendBatchSms,
QuerySendDetails (by number and day, paged), QuerySmsTemplateList, QuerySmsSignList, QueryTokenForMnsQueue and the
MNS queue of replies (ReceiveMessage, DeleteMessage, signed with the temporary key); delivery reports (SmsReport)
and uplink replies (SmsUp) pushed as JSON arrays to configured URLs, and kept for inspection either way.
"""

import argparse
import base64
import hashlib
import hmac
import json
import random
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo
from collections import Counter, defaultdict, deque
from dataclasses import asdict, dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from xml.sax.saxutils import escape

from tests.fakes.base import FakeServer

CHINA = zoneinfo.ZoneInfo("Asia/Shanghai")
AUTH_RE = re.compile(
    r"^ACS3-HMAC-SHA256 Credential=(?P<ak>[^,]+),SignedHeaders=(?P<headers>[^,]+),Signature=(?P<sig>\w+)$"
)
SIGN_RE = re.compile(r"^【(?P<sign>[^】]+)】")
VAR_RE = re.compile(r"\$\{(\w+)\}")
MAINLAND_RE = re.compile(r"^1\d{10}$")


@dataclass
class AliyunFakeConfig:
    """Every knob; fractions are probabilities per send request."""

    flow_control: float = 0.0  # answered isv.BUSINESS_LIMIT_CONTROL (minute level) without accepting
    throttle: float = 0.0  # answered HTTP 400 Throttling.User without accepting
    fail_500: float = 0.0  # answered 500 without accepting
    accept_then_500: float = 0.0  # accepted, then answered 500
    timeout: float = 0.0  # accepted, then no answer for hang_seconds
    hang_seconds: float = 3.0
    slow: float = 0.0  # seconds added to every answer
    amount_not_enough: bool = False  # every send answered isv.AMOUNT_NOT_ENOUGH
    # Real per-number flow control: accepted messages per number per minute / hour / day (0: no limit).
    per_minute: int = 0
    per_hour: int = 0
    per_day: int = 0
    # Numbers refused with a code, e.g. {"13900000000": "isv.MOBILE_NUMBER_ILLEGAL"}.
    reject: dict = field(default_factory=dict)
    failed_numbers: list = field(default_factory=list)  # delivery report success=false (e.g. blacklisted)
    report_url: str = ""  # SmsReport push target (a JSON array per push)
    up_url: str = ""  # SmsUp push target
    up_queue: str = ""  # SmsUp queue (MNS) replies are also put in, for pull (sms.mns)
    mns_visibility: float = 30.0  # seconds a received queue message stays hidden before it comes back
    report_delay: float = 0.05
    duplicate_reports: float = 0.0
    seed: int | None = None


DEFAULT_SIGNS = [
    {"SignName": "清河市纪委监委", "AuditStatus": "AUDIT_STATE_PASS", "BusinessType": "政务类", "CreateDate": ""},
    {"SignName": "清河市政务服务", "AuditStatus": "AUDIT_STATE_INIT", "BusinessType": "政务类", "CreateDate": ""},
]
DEFAULT_TEMPLATES = [
    {
        "TemplateCode": "SMS_100000001",
        "TemplateName": "通用通知",
        "TemplateContent": "${content}",
        "OuterTemplateType": 1,
        "AuditStatus": "AUDIT_STATE_PASS",
    },
    {
        "TemplateCode": "SMS_100000002",
        "TemplateName": "廉政提醒",
        "TemplateContent": "${name}同志：${phrase}",
        "OuterTemplateType": 1,
        "AuditStatus": "AUDIT_STATE_PASS",
    },
    {
        "TemplateCode": "SMS_100000003",
        "TemplateName": "验证码",
        "TemplateContent": "您的验证码为${code}，5分钟内有效。",
        "OuterTemplateType": 0,
        "AuditStatus": "AUDIT_STATE_PASS",
    },
    {
        "TemplateCode": "SMS_100000004",
        "TemplateName": "节前提醒",
        "TemplateContent": "${holiday}将至，${phrase}",
        "OuterTemplateType": 2,
        "AuditStatus": "AUDIT_STATE_INIT",
    },
]


def provider_templates(specs, first_code=200000001, param_limit=35):
    """Provider rows for our system templates ((key, name, kind, text) each), approved, with the provider's
    35-character limit on each value; returns (rows, {key: code}) for SMS_TEMPLATE_CODES."""
    rows, codes = [], {}
    for number, (key, name, kind, text) in enumerate(specs, start=first_code):
        code = f"SMS_{number}"
        codes[key] = code
        outer = {"code": 0, "notice": 1, "promotion": 2}.get(kind, 1)
        rows.append(
            {
                "TemplateCode": code,
                "TemplateName": name,
                "TemplateContent": text,
                "OuterTemplateType": outer,
                "AuditStatus": "AUDIT_STATE_PASS",
                "_param_limit": param_limit,
            }
        )
    return rows, codes


def canonical_query(query):
    return "&".join(f"{k}={urllib.parse.quote(v, safe='~')}" for k, v in sorted(query.items()) if v is not None)


def acs3_signature(secret, method, path, query, headers, signed, payload_hash):
    """The ACS3-HMAC-SHA256 signature, computed as Alibaba Cloud documents (and its SDK does)."""
    lower = {k.lower(): v.strip() for k, v in headers.items()}
    canonical_headers = "".join(f"{name}:{lower.get(name, '')}\n" for name in signed)
    request = "\n".join(
        [method, path or "/", canonical_query(query), canonical_headers, ";".join(signed), payload_hash]
    )
    digest = hashlib.sha256(request.encode()).hexdigest()
    return hmac.new(secret.encode(), f"ACS3-HMAC-SHA256\n{digest}".encode(), hashlib.sha256).hexdigest()


def render(template, params):
    return VAR_RE.sub(lambda m: str(params.get(m.group(1), "")), template)


def now_text(moment=None):
    return (moment or datetime.now(CHINA)).astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


class FakeAliyun(FakeServer):
    """The server and its state. Thread-safe; usable as a context manager."""

    config_class = AliyunFakeConfig
    provider = "Aliyun"

    def __init__(self, access_key_id=None, access_key_secret=None, host="127.0.0.1", port=0, **config):
        self.access_key_id = access_key_id or "LTAI" + secrets.token_hex(8)
        self.access_key_secret = access_key_secret or secrets.token_hex(15)
        super().__init__(host, port, **config)

    def setup(self):
        self.signs = [dict(s) for s in DEFAULT_SIGNS]
        self.templates = [dict(t) for t in DEFAULT_TEMPLATES]

    def handler(self):
        return _make_handler(self)

    @property
    def endpoint(self):
        host, port = self.httpd.server_address[:2]
        return f"{host}:{port}"

    def reset(self):
        """Forget messages, counters, pushes and every fault."""
        with self._lock:
            super().reset()
            self.messages = []  # dicts, in acceptance order
            self.by_number = defaultdict(list)
            self.per_number_times = defaultdict(deque)
            self.counters = Counter()
            self.pushes = []  # (kind, payload list) of every push due
            self.queue = []  # MNS messages: {"id", "body", "handle", "visible_at", "dequeues"}
            self.mns_tokens = {}  # temporary AccessKeyId -> (secret, security token), from QueryTokenForMnsQueue

    def stats(self):
        with self._lock:
            bodies = defaultdict(Counter)
            for message in self.messages:
                bodies[message["phone"]][message["content"]] += 1
            return {
                "accepted": len(self.messages),
                "recipients": len(self.by_number),
                "per_recipient_max": max((len(v) for v in self.by_number.values()), default=0),
                "duplicates": sum(1 for counts in bodies.values() if max(counts.values()) > 1),
                **self.counters,
            }

    def sent_to(self, number):
        with self._lock:
            return list(self.by_number.get(number, []))

    # --- authentication --------------------------------------------------------------------------------------

    def check_signature(self, method, path, query, headers, body):
        match = AUTH_RE.match(headers.get("Authorization", ""))
        if not match:
            return "MissingAuthorization"
        if match["ak"] != self.access_key_id:
            return "InvalidAccessKeyId.NotFound"
        payload_hash = hashlib.sha256(body).hexdigest()
        if headers.get("x-acs-content-sha256", "") != payload_hash:
            return "SignatureDoesNotMatch"
        signed = match["headers"].split(";")
        if "host" not in signed or "x-acs-date" not in signed or "x-acs-signature-nonce" not in signed:
            return "SignatureDoesNotMatch"
        expected = acs3_signature(self.access_key_secret, method, path, query, headers, signed, payload_hash)
        return None if hmac.compare_digest(expected, match["sig"]) else "SignatureDoesNotMatch"

    # --- the API -------------------------------------------------------------------------------------------

    def _flow_limited(self, phone, now):
        """The level (分钟级/小时级/天级) a number's own flow control hits, or None."""
        config, times = self.config, self.per_number_times[phone]
        while times and now - times[0] > 86400:
            times.popleft()
        for level, window, limit in (
            ("分钟级", 60, config.per_minute),
            ("小时级", 3600, config.per_hour),
            ("天级", 86400, config.per_day),
        ):
            if limit and sum(1 for t in times if now - t < window) >= limit:
                return level, limit
        return None

    def send(self, query):
        """SendSms. Returns (http status, json body, seconds to hang)."""
        phone, sign = query.get("PhoneNumbers", ""), query.get("SignName", "")
        code = query.get("TemplateCode", "")
        with self._lock:
            self.counters["send_requests"] += 1
            config = self.config
            template = next((t for t in self.templates if t["TemplateCode"] == code), None)
            try:
                params = json.loads(query.get("TemplateParam") or "{}")
            except ValueError:
                return 200, answer("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值"), 0
            if not MAINLAND_RE.match(phone) and not re.match(r"^\d{8,15}$", phone):
                return 200, answer("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"), 0
            if not any(s["SignName"] == sign and s["AuditStatus"] == "AUDIT_STATE_PASS" for s in self.signs):
                return 200, answer("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名"), 0
            if template is None or template["AuditStatus"] != "AUDIT_STATE_PASS":
                return 200, answer("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板"), 0
            missing = [v for v in VAR_RE.findall(template["TemplateContent"]) if v not in params]
            if missing:
                return 200, answer("isv.TEMPLATE_MISSING_PARAMETERS", f"模板变量缺少对应参数值: {missing[0]}"), 0
            if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
                return 200, answer("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值"), 0
            too_long = [k for k, v in params.items() if len(v) > template.get("_param_limit", 10**6)]
            if too_long:
                return 200, answer("isv.PARAM_LENGTH_LIMIT", f"参数超出长度限制: {too_long[0]}"), 0
            if phone in config.reject:
                return 200, answer(config.reject[phone], "号码被拒绝"), 0
            if config.amount_not_enough:
                self.counters["amount_not_enough"] += 1
                return 200, answer("isv.AMOUNT_NOT_ENOUGH", "账户余额不足"), 0
            if self._chance(config.throttle):
                self.counters["throttled"] += 1
                return 400, answer("Throttling.User", "Request was denied due to user flow control."), 0
            if self._chance(config.fail_500):
                self.counters["rejected_500"] += 1
                return 500, answer("InternalError", "The request processing has failed due to some unknown error."), 0
            now = time.time()
            limited = self._flow_limited(phone, now)
            if limited or self._chance(config.flow_control):
                level, limit = limited or ("分钟级", 1)
                self.counters["flow_control"] += 1
                return 200, answer("isv.BUSINESS_LIMIT_CONTROL", f"触发{level}流控Permits:{limit}"), 0
            message = self._accept(phone, sign, template, params, query.get("OutId", ""), now)
            if self._chance(config.accept_then_500):
                self.counters["accepted_then_500"] += 1
                return 500, answer("InternalError", "The request processing has failed due to some unknown error."), 0
            body = answer("OK", "OK", BizId=message["biz_id"])
            if self._chance(config.timeout):
                self.counters["accepted_then_hung"] += 1
                return 200, body, config.hang_seconds
            return 200, body, 0

    def send_batch(self, query):
        """SendBatchSms: one request, up to 100 numbers, each with its own signature and parameters."""
        try:
            phones = json.loads(query.get("PhoneNumberJson") or "[]")
            signs = json.loads(query.get("SignNameJson") or "[]")
            params = json.loads(query.get("TemplateParamJson") or "[]")
        except ValueError:
            return 200, answer("isv.INVALID_JSON_PARAM", "JSON参数不合法"), 0
        if not phones or len(phones) > 100 or len(signs) != len(phones) or len(params) != len(phones):
            return 200, answer("isv.INVALID_PARAMETERS", "参数异常"), 0
        with self._lock:
            self.counters["batch_requests"] += 1
            if self.config.amount_not_enough:
                return 200, answer("isv.AMOUNT_NOT_ENOUGH", "账户余额不足"), 0
            if self._chance(self.config.fail_500):
                return 500, answer("InternalError", "unknown error"), 0
            template = next((t for t in self.templates if t["TemplateCode"] == query.get("TemplateCode")), None)
            if template is None or template["AuditStatus"] != "AUDIT_STATE_PASS":
                return 200, answer("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板"), 0
            biz_id = f"{random.randrange(10**14, 10**15)}^0"
            now = time.time()
            for phone, sign, values in zip(phones, signs, params, strict=True):
                self._accept(phone, sign, template, values, query.get("OutId", ""), now, biz_id=biz_id)
            return 200, answer("OK", "OK", BizId=biz_id), 0

    def _accept(self, phone, sign, template, params, out_id, now, biz_id=None):
        moment = datetime.fromtimestamp(now, CHINA)
        message = {
            "biz_id": biz_id or f"{random.randrange(10**14, 10**15)}^0",
            "phone": phone,
            "sign": sign,
            "template_code": template["TemplateCode"],
            "content": f"【{sign}】{render(template['TemplateContent'], params)}",
            "out_id": out_id,
            "send_date": now_text(moment),
            "day": moment.strftime("%Y%m%d"),
            "status": 1,  # waiting for the handset's receipt
            "receive_date": "",
            "err_code": "",
        }
        self.messages.append(message)
        self.by_number[phone].append(message)
        self.per_number_times[phone].append(now)
        self._schedule_report(message)
        return message

    def _schedule_report(self, message):
        failed = message["phone"] in self.config.failed_numbers
        message_copy = message

        def deliver():
            with self._lock:
                message_copy["status"] = 2 if failed else 3
                message_copy["err_code"] = "MK:0001" if failed else "DELIVERED"
                message_copy["receive_date"] = now_text()
                report = {
                    "phone_number": message_copy["phone"],
                    "send_time": message_copy["send_date"],
                    "report_time": message_copy["receive_date"],
                    "success": not failed,
                    "err_code": message_copy["err_code"],
                    "err_msg": "用户接收失败" if failed else "用户接收成功",
                    "sms_size": "1",
                    "biz_id": message_copy["biz_id"],
                    "out_id": message_copy["out_id"],
                }
                times = 2 if self._chance(self.config.duplicate_reports) else 1
                url = self.config.report_url
            for _ in range(times):
                self._push("report", url, [report])

        timer = threading.Timer(self.config.report_delay, deliver)
        timer.daemon = True
        timer.start()

    def uplink(self, phone, content, sign="清河市纪委监委", dest_code=""):
        """A reply from a phone: kept and pushed to up_url (SmsUp)."""
        payload = {
            "phone_number": phone,
            "send_time": now_text(),
            "content": content,
            "sign_name": sign,
            "dest_code": dest_code,
            "sequence_id": random.randrange(10**9, 10**10),
        }
        self._push("up", self.config.up_url, [payload])
        if self.config.up_queue:
            with self._lock:
                body = json.dumps(payload, ensure_ascii=False)
                self.queue.append({"id": secrets.token_hex(16).upper(), "body": body, "handle": "", "visible_at": 0.0})
        return payload

    # --- MNS (the SmsUp queue, for pull) ---------------------------------------------------------------------

    def mns_token(self, query):
        """QueryTokenForMnsQueue: a temporary key for the queue of a message type."""
        if query.get("MessageType") != "SmsUp" or query.get("QueueName") != self.config.up_queue:
            return 200, answer("isv.QUEUE_NOT_EXISTS", "队列不存在"), 0
        key, secret, token = "STS." + secrets.token_hex(8), secrets.token_hex(15), secrets.token_hex(24)
        with self._lock:
            self.mns_tokens[key] = (secret, token)
        expires = datetime.fromtimestamp(time.time() + 3600, CHINA).strftime("%Y-%m-%d %H:%M:%S")
        dto = {"AccessKeyId": key, "AccessKeySecret": secret, "SecurityToken": token, "ExpireTime": expires}
        return 200, answer("OK", "OK", MessageTokenDTO=dto), 0

    def check_mns(self, method, resource, headers):
        """The MNS signature of a queue request, recomputed with the temporary key it names; None when right."""
        match = re.match(r"^MNS ([^:]+):(.+)$", headers.get("Authorization", ""))
        with self._lock:
            known = self.mns_tokens.get(match.group(1)) if match else None
        if known is None or headers.get("x-mns-security-token") != known[1]:
            return "AccessDenied"
        # Written here from MNS's documentation, not imported: a mistake in our client must not be repeated here.
        own = "".join(
            f"{k}:{v}\n"
            for k, v in sorted((k.lower(), v) for k, v in headers.items() if k.lower().startswith("x-mns-"))
        )
        parts = [method, headers.get("Content-MD5", ""), headers.get("Content-Type", ""), headers.get("Date", "")]
        text = "\n".join(parts) + "\n" + own + resource
        expected = base64.b64encode(hmac.new(known[0].encode(), text.encode(), hashlib.sha1).digest()).decode()
        return None if hmac.compare_digest(expected, match.group(2)) else "SignatureDoesNotMatch"

    def mns_receive(self, queue):
        with self._lock:
            if queue != self.config.up_queue:
                return 404, "QueueNotExist", None
            now = time.time()
            for message in self.queue:
                if message["visible_at"] <= now:
                    message["visible_at"] = now + self.config.mns_visibility
                    message["handle"] = secrets.token_hex(12).upper()
                    self.counters["mns_received"] += 1
                    return 200, "", message
            return 404, "MessageNotExist", None

    def mns_delete(self, queue, handle):
        with self._lock:
            for message in self.queue:
                if handle and message["handle"] == handle and message["visible_at"] > time.time():
                    self.queue.remove(message)
                    self.counters["mns_deleted"] += 1
                    return 204, ""
            return 404, "ReceiptHandleError"

    def _push(self, kind, url, payload):
        with self._lock:
            self.pushes.append((kind, payload))
        if not url:
            return
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                reply = json.loads(response.read() or b"{}")
            key = "pushes_ok" if reply.get("code") == 0 else "pushes_refused"
        except (OSError, urllib.error.URLError, ValueError):
            key = "pushes_failed"
        with self._lock:
            self.counters[key] += 1

    def query_details(self, query):
        phone, day = query.get("PhoneNumber", ""), query.get("SendDate", "")
        size = max(1, min(50, int(query.get("PageSize") or 10)))
        page = max(1, int(query.get("CurrentPage") or 1))
        if not phone or not re.fullmatch(r"\d{8}", day):
            return 200, answer("isv.INVALID_PARAMETERS", "参数异常")
        with self._lock:
            self.counters["query_requests"] += 1
            found = [m for m in reversed(self.by_number.get(phone, [])) if m["day"] == day]
            if query.get("BizId"):
                found = [m for m in found if m["biz_id"] == query["BizId"]]
            chunk = found[(page - 1) * size : page * size]
            dtos = [
                {
                    "PhoneNum": m["phone"],
                    "SendStatus": m["status"],
                    "ErrCode": m["err_code"],
                    "TemplateCode": m["template_code"],
                    "Content": m["content"],
                    "SendDate": m["send_date"],
                    "ReceiveDate": m["receive_date"],
                    "OutId": m["out_id"],
                }
                for m in chunk
            ]
        return 200, answer("OK", "OK", TotalCount=str(len(found)), SmsSendDetailDTOs={"SmsSendDetailDTO": dtos})

    def template_list(self, query):
        size, page = int(query.get("PageSize") or 10), int(query.get("PageIndex") or 1)
        with self._lock:
            rows = [{k: v for k, v in t.items() if not k.startswith("_")} for t in self.templates]
            rows = rows[(page - 1) * size : page * size]
            total = len(self.templates)
        return 200, answer("OK", "OK", SmsTemplateList=rows, TotalCount=total, CurrentPage=page, PageSize=size)

    def sign_list(self, query):
        size, page = int(query.get("PageSize") or 10), int(query.get("PageIndex") or 1)
        with self._lock:
            rows = self.signs[(page - 1) * size : page * size]
            total = len(self.signs)
        return 200, answer("OK", "OK", SmsSignList=rows, TotalCount=total, CurrentPage=page, PageSize=size)


MNS_NS = "http://mns.aliyuncs.com/doc/v1/"


def mns_error(code):
    return f'<?xml version="1.0" encoding="UTF-8"?><Error xmlns="{MNS_NS}"><Code>{code}</Code></Error>'


def answer(code, message, **extra):
    return {"Code": code, "Message": message, "RequestId": secrets.token_hex(8).upper(), **extra}


def _make_handler(fake):
    actions = {
        "SendSms": lambda q: fake.send(q),
        "SendBatchSms": lambda q: fake.send_batch(q),
        "QuerySendDetails": lambda q: (*fake.query_details(q), 0),
        "QuerySmsTemplateList": lambda q: (*fake.template_list(q), 0),
        "QuerySmsSignList": lambda q: (*fake.sign_list(q), 0),
        "QueryTokenForMnsQueue": lambda q: fake.mns_token(q),
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FakeAliyun/1.0"
        disable_nagle_algorithm = True

        def log_message(self, format, *args):
            pass

        def _answer(self, status, payload, hang=0.0):
            delay = fake.config.slow + hang
            if delay:
                fake._stopping.wait(delay)
            data = json.dumps(payload, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urllib.parse.urlsplit(self.path)
            if url.path.startswith("/_fake/"):
                return self._control(url.path, body)
            query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
            if body and "form" in (self.headers.get("Content-Type") or ""):
                query.update({k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()})
            headers = {k: v for k, v in self.headers.items()}
            raw_query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
            problem = fake.check_signature("POST", url.path, raw_query, headers, body)
            if problem:
                with fake._lock:
                    fake.counters["bad_signatures"] += 1
                status = 404 if problem.startswith("InvalidAccessKeyId") else 400
                return self._answer(status, answer(problem, "Specified signature is not matched."))
            action = actions.get(self.headers.get("x-acs-action", ""))
            if action is None:
                return self._answer(404, answer("InvalidAction.NotFound", "Specified api is not found."))
            status, payload, hang = action(query)
            self._answer(status, payload, hang)

        def _control(self, path, body):
            data = json.loads(body or b"{}")
            if path == "/_fake/config":
                try:
                    fake.configure(**data)
                except (ValueError, TypeError) as exc:
                    return self._answer(400, {"error": str(exc)})
                return self._answer(200, asdict(fake.config))
            if path == "/_fake/reset":
                fake.reset()
                return self._answer(200, {"ok": True})
            if path == "/_fake/uplink":
                return self._answer(200, fake.uplink(data["phone_number"], data["content"]))
            return self._answer(404, {})

        def _answer_xml(self, status, xml):
            data = xml.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/xml;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _mns(self, method):
            """MNS ReceiveMessage (GET) and DeleteMessage (DELETE) on /queues/<name>/messages."""
            url = urllib.parse.urlsplit(self.path)
            queue = urllib.parse.unquote(url.path.split("/")[2])
            problem = fake.check_mns(method, self.path, dict(self.headers.items()))
            if problem:
                return self._answer_xml(403, mns_error(problem))
            if method == "GET":
                status, code, message = fake.mns_receive(queue)
                if message is None:
                    return self._answer_xml(status, mns_error(code))
                return self._answer_xml(
                    200,
                    f'<?xml version="1.0" encoding="UTF-8"?><Message xmlns="{MNS_NS}">'
                    f"<MessageId>{message['id']}</MessageId><ReceiptHandle>{message['handle']}</ReceiptHandle>"
                    f"<MessageBody>{escape(message['body'])}</MessageBody></Message>",
                )
            handle = urllib.parse.parse_qs(url.query).get("ReceiptHandle", [""])[-1]
            status, code = fake.mns_delete(queue, handle)
            return self._answer_xml(status, mns_error(code) if code else "")

        def do_DELETE(self):
            if self.path.startswith("/queues/"):
                return self._mns("DELETE")
            return self._answer(404, answer("InvalidAction.NotFound", "Specified api is not found."))

        def do_GET(self):
            if self.path.startswith("/queues/"):
                return self._mns("GET")
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/_fake/lookup":
                out_id = urllib.parse.parse_qs(url.query).get("out_id", [""])[-1]
                with fake._lock:
                    found = [m for m in fake.messages if m["out_id"] == out_id]
                return self._answer(200, {"phone": found[0]["phone"] if len(found) == 1 else None})
            if self.path == "/_fake/stats":
                return self._answer(200, fake.stats())
            if self.path == "/_fake/config":
                return self._answer(200, asdict(fake.config))
            return self._answer(404, answer("InvalidAction.NotFound", "Specified api is not found."))

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--access-key-id", default="")
    parser.add_argument("--access-key-secret", default="")
    parser.add_argument("--config", default="{}", help="initial AliyunFakeConfig as JSON")
    args = parser.parse_args(argv)
    fake = FakeAliyun(args.access_key_id or None, args.access_key_secret or None, args.host, args.port)
    fake.serve_until_interrupted(args.config)


if __name__ == "__main__":
    main()
