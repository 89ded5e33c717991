"""Why forum refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class ForumErrorCode(StrEnum):
    TRANSITION = "transition"
