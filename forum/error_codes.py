"""Why forum refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class ForumErrorCode(StrEnum):
    FLOOD = "flood"
    LOCKED = "locked"
    NOT_VISIBLE = "not_visible"
    RATE_DAY = "rate_day"
    RATE_MINUTE = "rate_minute"
    TRANSITION = "transition"
