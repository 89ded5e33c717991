"""Tracking numbers and query codes: how an applicant finds their case without an account, and why guessing fails."""

import datetime
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.utils.crypto import constant_time_compare

from approvals.models import Application
from approvals.services.timing import local
from core import ratelimit

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def hash_code(code: str) -> str:
    key = hashlib.sha256(f"approvals.query-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, code.strip().upper()[:64].encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_tracking_number(moment: datetime.datetime) -> str:
    return f"QF{local(moment):%Y%m%d}{secrets.randbelow(10**8):08d}"


class RateLimited(Exception):
    pass


_DUMMY_HASH = hash_code("-")


def find_for_tracking(tracking_number: str | None, code: str | None, client_ip: str) -> Application | None:
    """The application with this number if the code matches it, else None; the same None for both failures.

    Failed attempts are counted per client address (hashed) and per tracking number, so neither one address nor
    many can go on guessing; past the limit every attempt raises RateLimited, right or wrong. The application comes
    with its item and centre, ready for ``tracking.tracking_for``.
    """
    window = settings.APPROVALS_TRACKING_WINDOW
    bucket, _ends = ratelimit.window_bucket(time.time(), window)
    ip_key = f"approvals:track:ip:{ratelimit.hashed_ip('approvals.track', client_ip)}:{bucket}"
    number = (tracking_number or "").strip().upper()[:20]
    number_key = f"approvals:track:no:{hashlib.sha256(number.encode()).hexdigest()[:32]}:{bucket}"
    limit = settings.APPROVALS_TRACKING_FAILURES
    # Fails closed (core/ratelimit.py): unmetered, tracking codes could be guessed; an outage answers 503.
    counts = ratelimit.counts([ip_key, number_key])
    if counts[ip_key] >= limit or counts[number_key] >= limit:
        raise RateLimited
    application = (
        Application.objects.select_related("item", "item__department", "service_centre")
        .filter(tracking_number=number)
        .first()
    )
    given = hash_code(code or "")
    # Compare in constant time, and against a dummy when the number is unknown, so timing tells nothing either.
    stored = application.code_hash if application is not None else _DUMMY_HASH
    if not constant_time_compare(given, stored) or application is None:
        ratelimit.increment(ip_key, window)
        ratelimit.increment(number_key, window)
        return None
    return application
