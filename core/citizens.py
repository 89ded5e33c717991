"""A citizen's session (我的): the phone number they proved they hold with an SMS code, and nothing else.

Citizens have no account and no Django user: logging in with a code (sms.codes.log_in_with_code) puts the number,
in E.164, into the server-side session with the time it was proved. The number is what 我的 looks cases up by:
applications by the phone given on them, named complaints by a keyed digest of the phone given at filing. A cadre
who logs in with a code gets the same entry beside their user account. The identity lapses after
CITIZEN_SESSION_SECONDS (a shared phone or computer), and logging out (Django's logout) flushes it with the rest.
"""

import time

from django.conf import settings
from django.http import HttpRequest

SESSION_KEY = "citizen_phone"
SINCE_KEY = "citizen_since"


def sign_in(request: HttpRequest, phone: str) -> None:
    """Hold ``phone`` (E.164, already proved by a code) as this session's citizen identity; a new session key."""
    request.session.cycle_key()  # no fixation: the identity never lands in a session key someone else chose
    request.session[SESSION_KEY] = phone
    request.session[SINCE_KEY] = int(time.time())


def phone_of(request: HttpRequest) -> str | None:
    """The number this session proved, or None (never proved, or proved too long ago)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    phone = session.get(SESSION_KEY)
    since = session.get(SINCE_KEY, 0)
    if not phone or time.time() - since > settings.CITIZEN_SESSION_SECONDS:
        return None
    return phone


def sign_out(request: HttpRequest) -> None:
    for key in (SESSION_KEY, SINCE_KEY):
        request.session.pop(key, None)


def context(request: HttpRequest) -> dict:
    """Template context: the header names a citizen's session by its masked number instead of offering 登录."""
    phone = phone_of(request)
    return {"citizen_phone": masked(phone) if phone else ""}


def masked(phone: str) -> str:
    """139****0001: how a screen names the number without showing it whole."""
    digits = phone.removeprefix("+86")
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"
