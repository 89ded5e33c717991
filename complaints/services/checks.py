"""What operations check first: who may act, that a required text is written, and the rate-limit windows."""

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints.models import Complaint
from core.error_codes import CommonErrorCode
from core.ratelimit import window_bucket

HOUR = 3600
DAY = 24 * HOUR


def can_handle(user: AbstractUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("complaints.handle_complaint")


def can_view(user: AbstractUser | AnonymousUser) -> bool:
    return user.is_authenticated and (user.has_perm("complaints.view_complaint") or can_handle(user))


def is_assigned(complaint: Complaint, user: AbstractUser | AnonymousUser) -> bool:
    return user.is_authenticated and complaint.investigators.filter(pk=user.pk).exists()


def require_handler(user: AbstractUser | AnonymousUser) -> None:
    if not can_handle(user):
        raise PermissionDenied


def required(text: object, field: str, message: str) -> str:
    """The text stripped, or ValidationError on ``field`` when nothing is left."""
    text = str(text or "").strip()
    if not text:
        raise ValidationError({field: message}, code=CommonErrorCode.REQUIRED)
    return text


def hour_key(kind: str, ident: str) -> str:
    """The cache key of this hour's counter of ``kind`` for ``ident`` (a hashed source, a reference, a digest)."""
    bucket, _ends = window_bucket(timezone.now().timestamp(), HOUR)
    return f"complaints:{kind}:{ident}:{bucket}"


def day_key(kind: str, ident: str) -> str:
    bucket, _ends = window_bucket(timezone.now().timestamp(), DAY)
    return f"complaints:{kind}:{ident}:{bucket}"
