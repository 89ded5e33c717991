"""Why complaints refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class ComplaintErrorCode(StrEnum):
    ACTIVE_CONTENT = "active_content"
    ALREADY_SUBSCRIBED = "already_subscribed"
    ANONYMOUS = "anonymous"
    BAD_IMAGE = "bad_image"
    BAD_TYPE = "bad_type"
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    ENCRYPTED = "encrypted"
    EXPIRED_RECEIPT = "expired_receipt"
    INVALID_CODE = "invalid_code"
    INVALID_RECEIPT = "invalid_receipt"
    METADATA = "metadata"
    NOT_PUBLIC = "not_public"
    TOO_LARGE = "too_large"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    TOO_SHORT = "too_short"
