"""Why the study app refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class StudyErrorCode(StrEnum):
    EMPTY_AUDIENCE = "empty_audience"  # a task whose departments and groups hold no cadre
    DEADLINE_PASSED = "deadline_passed"  # a task whose deadline is not in the future
    NOTHING_TO_STUDY = "nothing_to_study"  # a task with neither pages nor a quiz
    ALREADY_ASSIGNED = "already_assigned"  # a task assigned once is not assigned again
    HEARTBEAT_REFUSED = "heartbeat_refused"  # a video heartbeat with an unknown token, replayed, or out of range
