"""A self-hosted proof of work: what a network past its rate limit solves instead of being turned away.

Many people can share one public address (a company, a campus, a mobile carrier's NAT). Refusing that address
outright once its hourly share is used would shut out everyone behind it; asking each further request for a few
seconds of computation keeps a flood expensive while a person still gets through. No third-party service, no
cookie, no session:

- ``issue(purpose)`` returns a token: a random nonce and the difficulty, signed (``TimestampSigner``, salted with
  the purpose) so that nobody can mint easy ones or reuse one for another form.
- The page's script looks for a counter such that ``sha256(token + counter)`` (the counter in decimal, both UTF-8)
  starts with ``bits`` zero bits, and posts the token and the counter with the form.
- ``redeem(purpose, token, counter)`` checks the signature, the age, the work, and that the token was never
  redeemed before (a key in the counters cache, kept as long as a token is valid); a token redeems once.

Difficulty and lifetime are settings (``CHALLENGE_BITS``, ``CHALLENGE_MAX_AGE``); 18 bits take a phone's browser a
few seconds.
"""

import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing

from core.ratelimit import CACHE_ERRORS, counters

MAX_COUNTER_DIGITS = 20


@dataclass(frozen=True)
class Challenge:
    token: str
    bits: int


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"core.challenge:{purpose}")


def issue(purpose: str, bits: int | None = None) -> Challenge:
    """A fresh challenge for `purpose` (a form's name)."""
    bits = settings.CHALLENGE_BITS if bits is None else bits
    return Challenge(_signer(purpose).sign(f"{secrets.token_urlsafe(16)}.{bits}"), bits)


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def is_solution(token: str, counter: str, bits: int) -> bool:
    digest = hashlib.sha256(f"{token}{counter}".encode()).digest()
    return leading_zero_bits(digest) >= bits


def solve(token: str, bits: int) -> str:
    """The first counter that solves a challenge (what the page's script does; here for tests and tools)."""
    counter = 0
    while not is_solution(token, str(counter), bits):
        counter += 1
    return str(counter)


def redeem(purpose: str, token: str, counter: str) -> bool:
    """True once for a solved, unexpired, unforged challenge of `purpose`; False for anything else or a reuse."""
    if not token or not counter or len(counter) > MAX_COUNTER_DIGITS or not counter.isdigit():
        return False
    try:
        nonce = _signer(purpose).unsign(token, max_age=settings.CHALLENGE_MAX_AGE)
        bits = int(nonce.rsplit(".", 1)[1])
    except (signing.BadSignature, IndexError, ValueError):
        return False
    # Never easier than asked today, whatever a (signed, older) token says.
    if bits < settings.CHALLENGE_BITS or not is_solution(token, counter, bits):
        return False
    key = "challenge:used:" + hashlib.sha256(token.encode()).hexdigest()[:40]
    try:
        return bool(counters().add(key, 1, timeout=settings.CHALLENGE_MAX_AGE + 60))
    except CACHE_ERRORS:
        # Fail closed: without the record of used tokens one solution could be replayed for the whole outage.
        return False


@dataclass
class Solution:
    """A solution as posted with a form, redeemed at most once, and only when a limit asks for it."""

    purpose: str
    token: str = ""
    counter: str = ""
    _valid: bool | None = field(default=None, repr=False)

    @property
    def offered(self) -> bool:
        return bool(self.token)

    def valid(self) -> bool:
        if self._valid is None:
            self._valid = redeem(self.purpose, self.token, self.counter)
        return self._valid
