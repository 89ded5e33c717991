"""Why SMS refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class SmsErrorCode(StrEnum):
    EMPTY = "empty"
    STALE = "stale"
    TOO_LONG = "too_long"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    UNKNOWN_CADRE = "unknown_cadre"
    INVALID_PHONE = "invalid_phone"
    INVALID_CODE = "invalid_code"
