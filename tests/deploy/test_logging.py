"""Logs without personal data: the JSON formatter and the redaction filter of config/logging.py."""

import io
import json
import logging
import subprocess
import sys

import pytest
from django.conf import settings

from config.logging import JsonFormatter, PrivatePathFilter, RedactingFilter, build, redact


@pytest.fixture
def json_logger():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.deploy.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_with_a_phone_number_and_an_ip_comes_out_as_json_with_both_redacted(json_logger):
    logger, stream = json_logger
    logger.warning("SMS to %s failed from %s", "13812345678", "203.0.113.7")
    logger.info("reporter +8613912345678 wrote from 2001:db8::42 as li.si@example.cn")
    first, second = _lines(stream)
    assert first["level"] == "WARNING" and first["logger"] == "tests.deploy.json"
    assert first["message"] == "SMS to [phone] failed from [ip]"
    assert second["message"] == "reporter [phone] wrote from [ip] as [email]"
    assert first["time"].endswith("Z")


def test_an_exception_carries_its_type_and_a_redacted_traceback(json_logger):
    logger, stream = json_logger
    try:
        raise ValueError("no such cadre 13700000000")
    except ValueError:
        logger.exception("import failed")
    (entry,) = _lines(stream)
    assert entry["exc_type"] == "ValueError"
    assert "Traceback" in entry["traceback"] and "[phone]" in entry["traceback"]
    assert "13700000000" not in json.dumps(entry)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 86 13812345678 or 008613812345678", "call [phone] or [phone]"),
        ("receipt 123456 789012 345678 entered", "receipt [number] entered"),
        ("GET /approvals/track/?number=QH1&code=7KX2MP9A", "GET /approvals/track/?number=QH1&code=[redacted]"),
        ("mapped ::ffff:198.51.100.9 here", "mapped [ip] here"),
        ("fe80:0:0:0:0:0:0:1", "[ip]"),
    ],
)
def test_redaction_patterns(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    ["at 12:30:45 on 2026-11-26", "order 42 of 1380", "Listening at: http://0.0.0.0:8000", "wagtail 8.0.1"],
)
def test_times_versions_and_listen_addresses_are_kept(text):
    assert redact(text) == text


def test_every_handler_of_the_settings_redacts_and_keeps_the_complaints_filter():
    for log_format in ("plain", "json"):
        config = build(log_format)
        for handler in config["handlers"].values():
            assert "redact" in handler["filters"]
            assert "complaints_privacy" in handler["filters"]
    assert set(settings.LOGGING["handlers"]) == {"console"}


def test_production_logs_json_by_default():
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.LOGGING['formatters']['default']['()'])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "qingfeng.example.cn",
        "COMPLAINTS_ENCRYPTION_KEYS": "m5fuI5LqOtJbqSv3xSqVWcPqLyVt0l6l9fJ2eSjkgOo=",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "config.logging.JsonFormatter"


def test_gunicorn_access_lines_of_complaint_paths_are_dropped():
    def record(path):
        return logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(m)s %(U)s", {"m": "GET", "U": path}, None)

    keep = PrivatePathFilter()
    assert keep.filter(record("/approvals/track/"))
    assert not keep.filter(record("/complaints/follow/"))
    assert not keep.filter(record("/app/cases/QH-1/"))


def test_gunicorn_config_logs_no_client_address_or_query():
    namespace = {}
    exec((settings.BASE_DIR / "config" / "gunicorn.conf.py").read_text(), namespace)
    assert "%(h)s" not in namespace["access_log_format"]
    assert "%(r)s" not in namespace["access_log_format"] and "%(q)s" not in namespace["access_log_format"]
    handlers = namespace["logconfig_dict"]["handlers"]
    assert all("redact" in handler["filters"] for handler in handlers.values())
    assert namespace["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == ["console"]
