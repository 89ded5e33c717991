"""Error codes: why a request was refused, stable for programs, beside a message written for people.

Services raise ``ValidationError(message, code=...)`` with a member of ``CommonErrorCode`` or of their app's own
enum (``<app>/error_codes.py``); forms, views and GraphQL mutations pass the code on unchanged. The GraphQL API
exposes each app's codes as one enum, the common ones plus the app's (``api/core/errors.py``), so a client can
branch on a code without parsing a message. A code never changes its meaning: add a new one instead.
"""

from enum import StrEnum


class CommonErrorCode(StrEnum):
    """Codes any app may answer with; an app's own enum adds only what is particular to it."""

    INVALID = "invalid"  # the value is not acceptable (Django's own validators use this too)
    REQUIRED = "required"  # a field that must be filled is empty
    MAX_LENGTH = "max_length"  # Django's CharField validator
    INVALID_CHOICE = "invalid_choice"  # Django's ChoiceField validator
    NOT_FOUND = "not_found"  # no such object, or not one this user may see
    UNAUTHENTICATED = "unauthenticated"  # log in first
    PERMISSION_DENIED = "permission_denied"  # logged in, but not allowed
    RATE_LIMITED = "rate_limited"  # too many requests: wait and try again
    RETRY = "retry"  # a transient failure: the same request may succeed if sent again
    CONFLICT = "conflict"  # someone else changed the object meanwhile: reload it
    INVALID_TRANSITION = "invalid_transition"  # the object's state does not allow this action now


def code_of(value: str | None, *enums: type[StrEnum]) -> StrEnum:
    """The member of ``CommonErrorCode`` or one of ``enums`` whose value is ``value``; ``INVALID`` for anything else
    (a code set by a library's validator we do not name)."""
    for enum in (CommonErrorCode, *enums):
        try:
            return enum(value)
        except ValueError:
            continue
    return CommonErrorCode.INVALID
