"""Why complaints refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class ComplaintErrorCode(StrEnum):
    # Attachments (complaints.attachments): what the cleaner refuses.
    ACTIVE_CONTENT = "active_content"  # a PDF with scripts, actions or embedded files
    BAD_IMAGE = "bad_image"  # looks like an image, cannot be decoded as one
    BAD_TYPE = "bad_type"  # neither an image (JPEG, PNG, WebP) nor a PDF, whatever its name says
    ENCRYPTED = "encrypted"  # a password-protected PDF
    METADATA = "metadata"  # a PDF whose author details sit where they cannot be blanked
    TOO_LARGE = "too_large"  # over the size or pixel limit
    # Intake.
    TOO_SHORT = "too_short"  # a description too short to act on
    CHALLENGE_REQUIRED = "challenge_required"  # a busy network: solve the proof of work first (core.challenge)
    # The reporter's way back (reference and receipt) and the anonymous thread.
    INVALID_RECEIPT = "invalid_receipt"  # no complaint opens with this reference and receipt
    EXPIRED_RECEIPT = "expired_receipt"  # the complaint ended longer ago than a receipt stays valid
    CLOSED = "closed"  # the complaint is closed: no more messages
    # Investigation and publication.
    ANONYMOUS = "anonymous"  # there is no reporter identity to reveal
    DUPLICATE = "duplicate"  # a clarification is already published
    # Following a public case by SMS.
    NOT_PUBLIC = "not_public"  # only public cases can be followed
    ALREADY_SUBSCRIBED = "already_subscribed"  # the number already follows the case
    INVALID_CODE = "invalid_code"  # the code is wrong or has expired
    TOO_MANY_ATTEMPTS = "too_many_attempts"  # too many wrong codes: request a new one
