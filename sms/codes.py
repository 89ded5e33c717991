"""One-time login codes sent by SMS: the phone login of the mobile app and of the website (the same two steps).

Codes are stored as HMAC-SHA256(SECRET_KEY, phone + code), not with the password hasher: a six-digit code has only
a million values, so a deliberately slow hash would not stop anyone holding the database from trying them all,
while a key the database does not hold does; it also keeps verification cheap, so the verify endpoint cannot be
used to burn CPU. Comparison is constant-time.

Any valid mainland mobile number can ask for a code: a cadre logs in to their account, a citizen opens 我的 (their
applications and named complaints, core.citizens). The answer is the same for both, so the endpoint does not tell
who is registered; the per-number and per-address limits below bound the texts anyone can cause.
"""

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import phonenumbers
from django.contrib.auth import login, logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import citizens
from core.error_codes import CommonErrorCode
from core.ratelimit import count, hashed_ip, increment, window_bucket
from directory.models import MOBILE_TYPES, Cadre
from directory.services import user_for_cadre
from sms import system_templates
from sms.error_codes import SmsErrorCode
from sms.gateways.base import GatewayError
from sms.models import MessageKind, OneTimeCode

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
# Requests per number (counted from OneTimeCode rows): (window, allowed requests in it).
NUMBER_LIMITS = ((timedelta(minutes=1), 1), (timedelta(hours=1), 5), (timedelta(days=1), 10))
# Requests per client IP (counted in the cache only: an IP is personal data we have no reason to keep).
# Generous, because mobile carriers put many phones behind one address.
IP_LIMITS = ((timedelta(minutes=1), 10), (timedelta(hours=1), 30), (timedelta(days=1), 100))


class CodeError(Exception):
    """A refused request or verification; `message` is for the user, `code` for the API."""

    def __init__(self, message: str, code: StrEnum, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = retry_after  # seconds, when rate limited


@dataclass(frozen=True)
class CodeRequest:
    phone: str  # E.164
    expires_in: int  # seconds
    resend_after: int  # seconds


def normalise_phone(raw: object) -> str:
    """The number in E.164 if it is a valid mainland China mobile number, else CodeError."""
    try:
        number = phonenumbers.parse(str(raw or "").strip(), "CN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in MOBILE_TYPES
    ):
        raise CodeError(_("Enter a valid mainland China mobile number."), SmsErrorCode.INVALID_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _hash(phone, code):
    return salted_hmac("sms.codes", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _wait_message(seconds):
    seconds = max(1, int(seconds))
    if seconds < 60:
        wait = ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    elif seconds < 3600:
        minutes = -(-seconds // 60)
        wait = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    else:
        hours = -(-seconds // 3600)
        wait = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return _("Too many code requests. Try again in %(wait)s.") % {"wait": wait}


def _check_number_limits(phone, now):
    windows, oldest = {}, {}
    for i, (window, _allowed) in enumerate(NUMBER_LIMITS):
        inside = Q(created_at__gt=now - window)
        windows[f"w{i}"] = Count("id", filter=inside)
        oldest[f"o{i}"] = Min("created_at", filter=inside)
    longest = max(window for window, _n in NUMBER_LIMITS)
    stats = OneTimeCode.objects.filter(phone=phone, created_at__gt=now - longest).aggregate(**windows, **oldest)
    wait = 0
    for i, (window, allowed) in enumerate(NUMBER_LIMITS):
        if stats[f"w{i}"] >= allowed:
            # Sliding window: the oldest request in it has to leave before another fits. A refused request
            # writes no row, so a window never holds more than `allowed` and the oldest is the one to wait for.
            wait = max(wait, (stats[f"o{i}"] + window - now).total_seconds())
    if wait:
        raise CodeError(_wait_message(wait), CommonErrorCode.RATE_LIMITED, retry_after=int(wait) + 1)


def _ip_key(client_ip, window):
    return f"sms:code-ip:{int(window.total_seconds())}:{hashed_ip('sms.codes.ip', client_ip)}"


def _check_ip_limits(client_ip, now):
    """Fixed windows in the cache; counts the request when it is allowed.

    Fails closed (core/ratelimit.py): each code is an SMS paid for and sent to someone's phone; during a Redis
    outage code login answers 503 and password login still works.
    """
    keys = []
    for window, allowed in IP_LIMITS:
        seconds = int(window.total_seconds())
        bucket, ends = window_bucket(now.timestamp(), seconds)
        key = f"{_ip_key(client_ip, window)}:{bucket}"
        if count(key) >= allowed:
            wait = ends - now.timestamp()
            raise CodeError(_wait_message(wait), CommonErrorCode.RATE_LIMITED, retry_after=int(wait) + 1)
        keys.append((key, seconds))
    for key, seconds in keys:
        increment(key, seconds)


def request_code(phone: object, client_ip: str | None) -> CodeRequest:
    """Text a login code to any valid mobile number (a cadre's or a citizen's); the same answer for both.

    Raises CodeError for an invalid number (SmsErrorCode.INVALID_PHONE) or too many requests
    (CommonErrorCode.RATE_LIMITED, with retry_after in seconds).
    """
    from sms.services import send_message

    phone = normalise_phone(phone)
    now = timezone.now()
    _check_number_limits(phone, now)
    _check_ip_limits(client_ip, now)
    code = "".join(secrets.choice("0123456789") for _i in range(CODE_DIGITS))
    cadre = Cadre.objects.filter(phone=phone).first()
    with transaction.atomic():
        # A new code replaces any earlier one still open.
        OneTimeCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        OneTimeCode.objects.create(phone=phone, code_hash=_hash(phone, code), expires_at=now + CODE_TTL)
    try:
        _template, body, ref = system_templates.prepare("login_code", {"code": code, "minutes": CODE_TTL.seconds // 60})
        send_message(phone, body, kind=MessageKind.CODE, cadre=cadre, template=ref)
    except (GatewayError, ValidationError):
        # The same answer as a sent code: the user can ask again once the resend wait is over. A ValidationError is
        # the template refused (withdrawn by the provider): logged, for the operators to see.
        logger.exception("Sending a login code failed")
    return CodeRequest(
        phone=phone, expires_in=int(CODE_TTL.total_seconds()), resend_after=int(NUMBER_LIMITS[0][0].total_seconds())
    )


def verify_code(phone: object, code: object) -> Cadre | None:
    """Check the code texted to this number: the Cadre it belongs to, None for a citizen's number, or CodeError.

    A code works once, 5 tries, for 5 minutes."""
    return _verify(phone, code)[1]


def _verify(phone, code):
    wrong = CodeError(_("The code is wrong or has expired. Request a new one."), SmsErrorCode.INVALID_CODE)
    try:
        phone = normalise_phone(phone)
    except CodeError:
        raise wrong from None
    code = str(code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        # The row lock serialises concurrent verifications on PostgreSQL; the guarded updates below make a
        # double use impossible on any database even without it.
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.expires_at <= now:
            raise wrong
        counted = OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True, attempts__lt=MAX_ATTEMPTS).update(
            attempts=F("attempts") + 1
        )
        matches = hmac.compare_digest(row.code_hash, _hash(phone, code))
        used = matches and counted and OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        cadre = Cadre.objects.select_related("user").filter(phone=phone).first() if used else None
    # Raised after the transaction, so the counted attempt is kept.
    if not counted:
        raise CodeError(
            _("Too many wrong codes. Request a new one."),
            SmsErrorCode.TOO_MANY_ATTEMPTS,
        )
    if not used:
        left = MAX_ATTEMPTS - row.attempts - 1
        if left <= 0:
            raise CodeError(_("Too many wrong codes. Request a new one."), SmsErrorCode.TOO_MANY_ATTEMPTS)
        raise CodeError(
            ngettext(
                "The code is wrong. %(n)d attempt left.",
                "The code is wrong. %(n)d attempts left.",
                left,
            )
            % {"n": left},
            SmsErrorCode.INVALID_CODE,
        )
    return phone, cadre


def log_in_with_code(request: HttpRequest, phone: object, code: object) -> AbstractBaseUser | None:
    """Log in whoever received this code: the app and the website both call this.

    A cadre is logged into their Django account (created on the first login, directory.services.user_for_cadre;
    the session is the one the forum and the API read) and returned. A citizen gets no account: the session holds
    the proved number (core.citizens) and None is returned. Either way the session then opens 我的.
    Raises CodeError as verify_code does.
    """
    # Outside the transaction below: a wrong code's counted attempt must stay counted when CodeError is raised.
    phone, cadre = _verify(phone, code)
    if cadre is None:
        if request.user.is_authenticated:
            logout(request)  # someone else's account must not stay logged in beside this citizen's cases
        citizens.sign_in(request, phone)
        return None
    with transaction.atomic():
        user = user_for_cadre(cadre)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    citizens.sign_in(request, phone)
    return user
