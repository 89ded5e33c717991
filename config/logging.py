"""Log formatting and redaction shared by Django's LOGGING and gunicorn (config/gunicorn.conf.py).

No Django import at module level: gunicorn's master loads this before Django is set up.

``RedactingFilter`` sits on every handler and rewrites each record's final message (message and args merged) with
phone numbers, e-mail addresses, IP addresses, 18-digit receipts/ID numbers and secret query parameters replaced;
the formatters redact tracebacks the same way. ``JsonFormatter`` writes one JSON object per line.
"""

import json
import logging
import re
import time

# Order matters: the IPv6 pattern runs before IPv4 (an IPv4-mapped address ends in dotted quads), and the E.164 and
# CN mobile patterns before the 18-digit one would not matter (different lengths), but e-mail before IPv4 does
# (user@10.0.0.1).
PATTERNS = [
    # Secret query parameters: receipts, access codes, one-time codes, tokens.
    (
        re.compile(r"(?i)\b((?:code|receipt|token|password|secret|signature|otp)=)[^&\s\"']+"),
        r"\1[redacted]",
    ),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # IPv6: the full form (eight groups) or any compressed form with "::"; clock times (12:30:45) never match.
    (
        re.compile(
            r"(?<![\w:])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4})"
            r"(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:.])"
        ),
        "[ip]",
    ),
    (re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"), "[ip]"),
    # E.164 (any country), then a bare mainland mobile number, optionally with 86 / 0086 in front.
    (re.compile(r"\+[1-9]\d{6,14}(?!\d)"), "[phone]"),
    (re.compile(r"(?<!\d)(?:(?:00)?86[-\s]?)?1[3-9]\d{9}(?!\d)"), "[phone]"),
    # Complaint receipts (18 digits, also written in groups of six) and resident ID numbers.
    (re.compile(r"(?<!\d)\d{6}[ -]?\d{6}[ -]?\d{5}[\dXx](?![\dXx])"), "[number]"),
]


# Not anyone's address: where a server listens.
# Complaint pages and the app's complaint screens: their access lines are never logged (complaints.privacy
# applies the same paths to Django's own log records). Kept here because gunicorn's master reads it without Django.
PRIVATE_PATHS = re.compile(r"^/(complaints|app/complaints|app/cases|mine)(/|$)")
KEPT_ADDRESSES = frozenset({"0.0.0.0", "127.0.0.1", "::", "::1"})


def _replacer(replacement):
    def replace(match):
        return match.group(0) if match.group(0) in KEPT_ADDRESSES else match.expand(replacement)

    return replace


def redact(text):
    for pattern, replacement in PATTERNS:
        text = pattern.sub(_replacer(replacement), text)
    return text


class RedactingFilter(logging.Filter):
    """Replace personal data in the record's message; args are merged into it first so they are covered too."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep the raw template rather than lose the line
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True


class PrivatePathFilter(logging.Filter):
    """Drop gunicorn's access lines for complaint paths, as ComplaintLogFilter does for Django's own."""

    def filter(self, record):
        atoms = record.args if isinstance(record.args, dict) else {}
        return not PRIVATE_PATHS.match(str(atoms.get("U", "")))


class PlainFormatter(logging.Formatter):
    def formatException(self, ei):
        return redact(super().formatException(ei))

    def formatStack(self, stack_info):
        return redact(super().formatStack(stack_info))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the exception if any."""

    def format(self, record):
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["traceback"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["traceback"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter_config(log_format):
    if log_format == "json":
        return {"()": "config.logging.JsonFormatter"}
    return {"()": "config.logging.PlainFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}


def build(log_format="plain", level="INFO"):
    """Django's LOGGING: one console handler, redacted, in the chosen format ("json" or "plain")."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter_config(log_format)},
        "filters": {
            # Complaint requests leave no request object or access line in the logs (complaints/privacy.py).
            "complaints_privacy": {"()": "complaints.privacy.ComplaintLogFilter"},
            "redact": {"()": "config.logging.RedactingFilter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                # The complaints filter looks at the request and the raw args: it runs before redaction merges them.
                "filters": ["complaints_privacy", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Request lines carry client addresses; complaint intake must not leave them in logs.
            "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            # Wagtail 8 runs its search/reference-index tasks through django-tasks and logs each one.
            "django_tasks": {"level": "WARNING"},
            # The Twilio SDK logs every request at INFO, phone numbers of list queries included.
            "twilio.http_client": {"level": "WARNING"},
            # Every publish purges the page cache: one "Purging URL" INFO line per URL is noise; failures still log.
            "wagtail.frontendcache": {"level": "WARNING"},
        },
    }
