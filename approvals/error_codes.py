"""Why online approval refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class ApprovalErrorCode(StrEnum):
    ALREADY_ANSWERED = "already_answered"
    ALREADY_RATED = "already_rated"
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE = "file_type"
    INVALID_RATING = "invalid_rating"
    JUSTIFICATION_REQUIRED = "justification_required"
    MISSING_DOCUMENT = "missing_document"
    MISSING_MATERIALS = "missing_materials"
    NOT_RATEABLE = "not_rateable"
    UNPUBLISHED = "unpublished"
