"""A fake Twilio Messages API on a real local HTTP server, with fault injection, for tests and benchmarks.

In a test: the ``fake_twilio`` fixture (tests/fakes/fixtures.py) starts one and points TWILIO_* at it.
For benchmarks with several worker processes, run it as its own process; it prints its URL on stdout:

    python -m tests.fakes.twilio_server --port 0 --account-sid AC... --auth-token secret

and is configured over HTTP: POST /_fake/config (JSON, any FakeConfig field), GET /_fake/stats, POST /_fake/reset.

What it does like Twilio: Basic auth, form-encoded create answering 201 JSON, list with To / DateSent>= / DateSent<=
filters and pages, fetch by sid, Twilio JSON error bodies, status callbacks signed with X-Twilio-Signature
(sent -> delivered, or failed / undelivered for configured numbers; none for the initial status).
"""

import argparse
import base64
import heapq
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

from twilio.request_validator import RequestValidator

from sms.encoding import segment_info
from tests.fakes.base import FakeServer

API = "/2010-04-01"
MESSAGES_RE = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages(?:/(?P<sid>[^/]+))?\.json$")
E164_RE = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass
class FakeConfig:
    """Every knob; fractions are probabilities per create request."""

    fail_429: float = 0.0  # answered 429 (code 20429) without accepting
    fail_500: float = 0.0  # answered 500 without accepting
    accept_then_500: float = 0.0  # accepted, then answered 500: the client cannot know it was sent
    timeout: float = 0.0  # accepted, then no answer for hang_seconds
    hang_seconds: float = 3.0
    slow: float = 0.0  # seconds added to every answer
    max_rate: float = 0.0  # accepted messages per second above which the answer is 429 (0: no limit)
    retry_after: int = 1  # Retry-After header of 429 answers
    callbacks: bool = True  # POST status callbacks to StatusCallback URLs (they are recorded either way)
    callback_delay: float = 0.05  # seconds between the status steps
    duplicate_callbacks: float = 0.0  # fraction of callbacks sent twice
    out_of_order: float = 0.0  # fraction of messages whose callbacks arrive in reverse order
    failed_numbers: list = field(default_factory=list)  # end "failed" (30008)
    undelivered_numbers: list = field(default_factory=list)  # end "undelivered" (30003)
    # Numbers refused at create time with a Twilio error code, e.g. {"+8613900000000": 21610}.
    reject: dict = field(default_factory=dict)
    seed: int | None = None


def rfc2822(moment):
    return format_datetime(moment.astimezone(UTC)) if moment else None


def parse_filter_date(value):
    """DateSent filters: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ. Returns (datetime, date_only)."""
    value = value.strip()
    try:
        if len(value) == 10:
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC), True
        return datetime.strptime(value.rstrip("Z"), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC), False
    except ValueError:
        return None, False


class FakeTwilio(FakeServer):
    """The server and its state. Thread-safe; usable as a context manager."""

    config_class = FakeConfig
    provider = "Twilio"

    def __init__(self, account_sid=None, auth_token=None, host="127.0.0.1", port=0, **config):
        self.account_sid = account_sid or "AC" + secrets.token_hex(16)
        self.auth_token = auth_token or secrets.token_hex(16)
        self.from_number = "+15005550006"
        super().__init__(host, port, **config)

    def setup(self):
        self._events = []  # heap of (due, seq, kind, payload)
        self._events_cv = threading.Condition(self._lock)
        self._seq = 0

    def handler(self):
        return _make_handler(self)

    def background(self):
        return [self._run_events]

    def wake(self):
        with self._events_cv:
            self._events_cv.notify_all()

    def configured(self, changes):
        if "max_rate" in changes:  # a full bucket: one second's worth may go at once
            self._bucket = (max(float(self.config.max_rate), 1.0), time.monotonic())

    def reset(self):
        """Forget messages, counters, pending callbacks and every fault."""
        with self._lock:
            super().reset()
            self.messages = {}  # sid -> dict, in creation order
            self.per_recipient = Counter()
            self.counters = Counter()
            self.callbacks = []  # (url, params, signature) of every callback due, in the order sent
            self._events.clear()
            self._bucket = (0.0, time.monotonic())

    def stats(self):
        with self._lock:
            bodies = defaultdict(Counter)
            for message in self.messages.values():
                bodies[message["to"]][message["body"]] += 1
            return {
                "accepted": len(self.messages),
                "recipients": len(self.per_recipient),
                "per_recipient_max": max(self.per_recipient.values(), default=0),
                "duplicates": sum(1 for counts in bodies.values() if max(counts.values()) > 1),
                "by_status": dict(Counter(m["status"] for m in self.messages.values())),
                "callbacks": len(self.callbacks),
                **self.counters,
            }

    def sent_to(self, number):
        with self._lock:
            return [m for m in self.messages.values() if m["to"] == number]

    def wait_for_callbacks(self, count, timeout=5.0):
        """Block until at least `count` callbacks were due (sent or recorded); returns them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.callbacks) >= count:
                    return list(self.callbacks)
            time.sleep(0.01)
        raise TimeoutError(f"{len(self.callbacks)} callbacks, expected {count}")

    # the API

    def _take_token(self):
        """Token bucket holding one second's worth of messages."""
        rate = self.config.max_rate
        if not rate:
            return True
        tokens, at = self._bucket
        now = time.monotonic()
        tokens = min(max(rate, 1.0), tokens + (now - at) * rate)
        if tokens < 1:
            self._bucket = (tokens, now)
            return False
        self._bucket = (tokens - 1, now)
        return True

    def create(self, account, form):
        """Returns (http status, json body, extra headers, seconds to hang before answering)."""
        to, body = form.get("To", ""), form.get("Body", "")
        with self._lock:
            self.counters["create_requests"] += 1
            config = self.config
            if not to:
                return 400, error(21604, "A 'To' phone number is required."), {}, 0
            if not body:
                return 400, error(21602, "Message body is required."), {}, 0
            if not E164_RE.match(to):
                return 400, error(21211, f"The 'To' number {to} is not a valid phone number."), {}, 0
            if to in config.reject:
                code = int(config.reject[to])
                return 400, error(code, f"Message to {to} refused ({code})."), {}, 0
            if self._chance(config.fail_429) or not self._take_token():
                self.counters["rejected_429"] += 1
                headers = {"Retry-After": str(config.retry_after)}
                return 429, error(20429, "Too Many Requests", 429), headers, 0
            if self._chance(config.fail_500):
                self.counters["rejected_500"] += 1
                return 500, error(20500, "Internal Server Error", 500), {}, 0
            message = self._accept(account, to, form.get("From", ""), body, form.get("StatusCallback", ""))
            if self._chance(config.accept_then_500):
                self.counters["accepted_then_500"] += 1
                return 500, error(20500, "Internal Server Error", 500), {}, 0
            if self._chance(config.timeout):
                self.counters["accepted_then_hung"] += 1
                return 201, dict(message), {}, config.hang_seconds
            return 201, dict(message), {}, 0

    def _accept(self, account, to, sender, body, callback):
        now = datetime.now(UTC)
        sid = "SM" + secrets.token_hex(16)
        message = {
            "account_sid": account,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": rfc2822(now),
            "date_sent": None,
            "date_updated": rfc2822(now),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender or self.from_number,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(max(1, segment_info(body).segments)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"{API}/Accounts/{account}/Messages/{sid}/Media.json"},
            "to": to,
            "uri": f"{API}/Accounts/{account}/Messages/{sid}.json",
            "_created": now,
            "_sent": None,
        }
        self.messages[sid] = message
        self.per_recipient[to] += 1
        self._schedule_progress(message, callback)
        return public(message)

    def _schedule_progress(self, message, callback):
        config = self.config
        if message["to"] in config.failed_numbers:
            steps = [("failed", "30008")]
        elif message["to"] in config.undelivered_numbers:
            steps = [("sent", ""), ("undelivered", "30003")]
        else:
            steps = [("sent", ""), ("delivered", "")]
        delay = config.callback_delay
        for i, (status, code) in enumerate(steps, start=1):
            self._push(delay * i, "state", (message["sid"], status, code))
        if not callback:
            return
        order = list(enumerate(steps, start=1))
        if self._chance(config.out_of_order):
            # The later status arrives first, as Twilio warns can happen.
            order = [(len(steps) + 1 - i, step) for i, step in order]
        for i, (status, code) in order:
            times = 2 if self._chance(config.duplicate_callbacks) else 1
            for _ in range(times):
                self._push(delay * i + 0.001, "callback", (callback, message, status, code))

    def _push(self, after, kind, payload):
        self._seq += 1
        heapq.heappush(self._events, (time.monotonic() + after, self._seq, kind, payload))
        self._events_cv.notify()

    def _run_events(self):
        while not self._stopping.is_set():
            with self._events_cv:
                if not self._events:
                    self._events_cv.wait(0.5)
                    continue
                due, _, kind, payload = self._events[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._events_cv.wait(wait)
                    continue
                heapq.heappop(self._events)
                if kind == "state":
                    self._set_status(*payload)
                    continue
                callback = self._callback_request(*payload)
                self.callbacks.append(callback)
                post = self.config.callbacks
            if post:
                self._post_callback(*callback)

    def _set_status(self, sid, status, code):
        message = self.messages.get(sid)
        if message is None:
            return
        now = datetime.now(UTC)
        message["status"] = status
        message["date_updated"] = rfc2822(now)
        if status in ("sent", "delivered", "undelivered") and message["_sent"] is None:
            message["_sent"] = now
            message["date_sent"] = rfc2822(now)
        if code:
            message["error_code"] = int(code)

    def _callback_request(self, url, message, status, code):
        params = {
            "AccountSid": message["account_sid"],
            "ApiVersion": "2010-04-01",
            "From": message["from"],
            "MessageSid": message["sid"],
            "MessageStatus": status,
            "SmsSid": message["sid"],
            "SmsStatus": status,
            "To": message["to"],
        }
        if code:
            params["ErrorCode"] = code
        signature = RequestValidator(self.auth_token).compute_signature(url, params)
        return url, params, signature

    def _post_callback(self, url, params, signature):
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(params).encode(),
            headers={"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                answer.read()
            key = "callbacks_ok"
        except (OSError, urllib.error.URLError):
            key = "callbacks_failed"
        with self._lock:
            self.counters[key] += 1

    def list(self, account, query, base_path):
        to = query.get("To", [""])[-1]
        since = query.get("DateSent>", [""])[-1]
        until = query.get("DateSent<", [""])[-1]
        page = int(query.get("Page", ["0"])[-1] or 0)
        size = max(1, min(1000, int(query.get("PageSize", ["50"])[-1] or 50)))
        since, since_date = parse_filter_date(since) if since else (None, False)
        until, until_date = parse_filter_date(until) if until else (None, False)
        with self._lock:
            found = []
            for message in reversed(self.messages.values()):  # newest first
                if message["account_sid"] != account or (to and message["to"] != to):
                    continue
                sent = message["_sent"]
                if since and (sent is None or (sent.date() < since.date() if since_date else sent < since)):
                    continue
                if until and (sent is None or (sent.date() > until.date() if until_date else sent > until)):
                    continue
                found.append(public(message))
        chunk = found[page * size : (page + 1) * size]
        params = {k: v[-1] for k, v in query.items() if k not in ("Page", "PageToken")}

        def page_uri(number):
            return f"{base_path}?{urllib.parse.urlencode({**params, 'PageSize': size, 'Page': number})}"

        has_next = (page + 1) * size < len(found)
        return {
            "messages": chunk,
            "end": page * size + max(0, len(chunk) - 1),
            "first_page_uri": page_uri(0),
            "next_page_uri": page_uri(page + 1) if has_next else None,
            "previous_page_uri": page_uri(page - 1) if page else None,
            "page": page,
            "page_size": size,
            "start": page * size,
            "uri": page_uri(page),
        }

    def fetch(self, account, sid):
        with self._lock:
            message = self.messages.get(sid)
            return public(message) if message and message["account_sid"] == account else None

    def check_auth(self, header, account):
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == self.account_sid == account and password == self.auth_token


def public(message):
    return {k: v for k, v in message.items() if not k.startswith("_")}


def error(code, message, status=400):
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _make_handler(fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's pooled session expects
        server_version = "FakeTwilio/1.0"
        # Headers and body go out in two writes: with Nagle on, delayed ACKs add 40 ms to every answer.
        disable_nagle_algorithm = True

        def log_message(self, format, *args):
            pass

        def _answer(self, status, payload, headers=None, hang=0.0):
            delay = fake.config.slow + hang
            if delay:
                fake._stopping.wait(delay)
            data = json.dumps(payload).encode() if payload is not None else b""
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a timeout we injected)

        def _body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode() if length else ""

        def _route(self):
            url = urllib.parse.urlsplit(self.path)
            match = MESSAGES_RE.match(url.path)
            if not match:
                return url, None
            if not fake.check_auth(self.headers.get("Authorization", ""), match["account"]):
                self._answer(401, error(20003, "Authenticate", 401))
                return url, False
            return url, match

        def do_POST(self):
            body = self._body()
            url, match = self._route()
            if url.path == "/_fake/config":
                try:
                    fake.configure(**json.loads(body or "{}"))
                except (ValueError, TypeError) as exc:
                    return self._answer(400, {"error": str(exc)})
                return self._answer(200, asdict(fake.config))
            if url.path == "/_fake/reset":
                fake.reset()
                return self._answer(200, {"ok": True})
            if match is False:
                return
            if match is None or match["sid"]:
                return self._answer(404, error(20404, "The requested resource was not found", 404))
            form = {k: v[-1] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}
            status, payload, headers, hang = fake.create(match["account"], form)
            self._answer(status, payload, headers, hang)

        def do_GET(self):
            url, match = self._route()
            if url.path == "/_fake/stats":
                return self._answer(200, fake.stats())
            if url.path == "/_fake/config":
                return self._answer(200, asdict(fake.config))
            if match is False:
                return
            if match is None:
                return self._answer(404, error(20404, "The requested resource was not found", 404))
            if match["sid"]:
                message = fake.fetch(match["account"], match["sid"])
                if message is None:
                    return self._answer(404, error(20404, "The requested resource was not found", 404))
                return self._answer(200, message)
            query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            self._answer(200, fake.list(match["account"], query, url.path))

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default="")
    parser.add_argument("--auth-token", default="")
    parser.add_argument("--config", default="{}", help="initial FakeConfig as JSON")
    args = parser.parse_args(argv)
    fake = FakeTwilio(args.account_sid or None, args.auth_token or None, args.host, args.port)
    fake.serve_until_interrupted(args.config, f"account_sid={fake.account_sid} auth_token={fake.auth_token}")


if __name__ == "__main__":
    main()
