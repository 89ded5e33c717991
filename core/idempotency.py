"""Idempotent submissions: a resent POST or mutation returns the first result instead of creating a second one.

Every form that creates something carries a key made when the page was rendered (``{% idempotency_field %}``,
a uuid4 in the hidden input ``idempotency_key``); the app sends one per submission in the ``Idempotency-Key``
header and keeps it across retries; GraphQL mutations take an ``idempotencyKey`` argument (or the header). The
service that creates the object wraps its work in ``once``:

    once("complaints.submit", key, create, remember=..., recall=...)

``once`` claims the key by inserting an ``IdempotencyKey`` row (unique on scope, owner and the key's digest)
inside the same transaction as the creation. Two concurrent duplicates meet at that unique constraint: the
second insert waits for the first transaction and then finds the row, so one object is created and both callers
get it. A creation that fails rolls back its claim, so the same key may be tried again. No key (an old client)
means no protection, as before.

Rows keep the result reference (``remember(obj, vault) -> dict``, JSON), never the request. What must stay
secret (a complaint's one-time receipt) goes into the row only through ``vault.seal``: Fernet under a key derived
from the submission's own key and SECRET_KEY, so neither a copy of the database nor the server's secret alone
opens it; only the client that still holds its key does, and only for ``IDEMPOTENCY_SECRET_SECONDS``
(Fernet's ttl; ``purge_expired`` also blanks them). The key itself is stored as an HMAC digest, not in clear.
Rows are deleted after ``RETENTION_IDEMPOTENCY_HOURS`` by the schedule in ``core/tasks.py``.
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import IdempotencyKey

T = TypeVar("T")

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,100}$")


def valid_key(raw: Any) -> str:
    """The key if it looks like one (16 to 100 letters, digits, - or _), else "" (no protection)."""
    raw = str(raw or "").strip()
    return raw if KEY_PATTERN.match(raw) else ""


def key_from(request: Any, explicit: str = "") -> str:
    """The submission's key: an explicit one (a GraphQL argument), the form field, or the header."""
    if explicit:
        return valid_key(explicit)
    posted = request.POST.get(FIELD, "") if getattr(request, "method", "") == "POST" else ""
    return valid_key(posted or request.headers.get(HEADER, ""))


def owner_of(user: Any) -> str:
    """A signed-in user's keys are theirs alone; anonymous keys are shared, and are 122 random bits."""
    return f"user:{user.pk}" if user is not None and getattr(user, "is_authenticated", False) else ""


def _digest(key):
    return hmac.new(settings.SECRET_KEY.encode(), f"idempotency:{key}".encode(), hashlib.sha256).hexdigest()


class Vault:
    """Seals a secret of one result under the submission's own key (see the module docstring)."""

    def __init__(self, key):
        raw = hmac.new(key.encode(), f"idempotency-vault:{settings.SECRET_KEY}".encode(), hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(raw))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, token: str) -> str:
        """The secret, or "" once it is older than IDEMPOTENCY_SECRET_SECONDS or was blanked."""
        if not token:
            return ""
        try:
            return self._fernet.decrypt(token.encode(), ttl=settings.IDEMPOTENCY_SECRET_SECONDS).decode()
        except InvalidToken:
            return ""


def by_pk(model):
    """remember/recall for a result that is one row."""
    return (lambda obj, vault: {"pk": obj.pk}), (lambda data, vault: model._default_manager.get(pk=data["pk"]))


def earlier(
    scope: str,
    key: str,
    *,
    owner: str = "",
    recall: Callable[[dict, Vault], T] | None = None,
    model: Any = None,
) -> T | None:
    """The first result of an earlier submission with this key, or None (no key, or the key is new).

    Views call it before their rate limits and challenges: a resend is answered as the first time and counts
    against no limit, since it creates nothing. The row is only read; ``once`` still claims new keys.
    """
    if model is not None:
        _remember, recall = by_pk(model)
    if not key:
        return None
    row = IdempotencyKey.objects.filter(scope=scope, owner=owner, digest=_digest(key)).first()
    if row is None or not row.result:
        return None  # unknown, or claimed by a submission still in its transaction (once waits for it)
    try:
        return recall(row.result, Vault(key))
    except ObjectDoesNotExist:
        return None


def once(
    scope: str,
    key: str,
    create: Callable[[], T],
    *,
    owner: str = "",
    remember: Callable[[T, Vault], dict] | None = None,
    recall: Callable[[dict, Vault], T] | None = None,
    model: Any = None,
) -> T:
    """Run ``create`` once per (scope, owner, key) and return its result; a repeat returns the first result.

    ``remember`` turns the result into what the row keeps (JSON), ``recall`` turns that back into the result;
    ``model=`` gives both for a result that is one row. Without a key, ``create`` simply runs. Exceptions of
    ``create`` propagate and release the key.
    """
    if model is not None:
        remember, recall = by_pk(model)
    if not key:
        return create()
    digest, vault = _digest(key), Vault(key)
    rows = IdempotencyKey.objects.filter(scope=scope, owner=owner, digest=digest)
    if (row := rows.first()) is not None:
        try:
            return recall(row.result, vault)
        except ObjectDoesNotExist:
            rows.delete()  # the first result was deleted since: nothing to return, so this is a new submission
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(scope=scope, owner=owner, digest=digest)
        except IntegrityError:
            # A concurrent duplicate committed first (on PostgreSQL the insert waited for it): its result.
            return recall(rows.get().result, vault)
        result = create()
        row.result = remember(result, vault)
        row.save(update_fields=["result"])
    return result


def purge_expired(now=None) -> int:
    """Delete keys past RETENTION_IDEMPOTENCY_HOURS and blank the sealed secrets of older ones. Returns deleted."""
    now = now or timezone.now()
    deleted, _by_model = IdempotencyKey.objects.filter(
        created_at__lt=now - timedelta(hours=settings.RETENTION_IDEMPOTENCY_HOURS)
    ).delete()
    stale = IdempotencyKey.objects.filter(
        created_at__lt=now - timedelta(seconds=settings.IDEMPOTENCY_SECRET_SECONDS), result__has_key="secret"
    )
    for row in stale.iterator():
        row.result = {name: value for name, value in row.result.items() if name != "secret"}
        row.save(update_fields=["result"])
    return deleted
