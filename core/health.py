"""Reachability checks for /healthz: each returns a dict and never raises."""

import logging
import time

from django.db import connections

logger = logging.getLogger(__name__)


def _timed(check):
    started = time.monotonic()
    try:
        detail = check() or {}
        result = {"ok": True, **detail}
    except Exception as exc:  # any failure is a "down" answer, never a 500
        logger.warning("health check %s failed: %s", check.__name__, exc.__class__.__name__)
        result = {"ok": False, "error": exc.__class__.__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connections["default"].vendor}


def check_broker():
    from django_q.brokers import get_broker

    broker = get_broker()
    broker.ping()
    # queue_size touches the real queue (the ORM broker's ping is a constant True).
    return {"broker": broker.info(), "queued": broker.queue_size()}


CHECKS = {"database": check_database, "broker": check_broker}


def run_checks():
    """Run every check; returns (all_ok, report)."""
    report = {name: _timed(check) for name, check in CHECKS.items()}
    return all(item["ok"] for item in report.values()), report
