"""Why quizzes refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class QuizErrorCode(StrEnum):
    CLOSED = "closed"
