"""Why quizzes refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class QuizErrorCode(StrEnum):
    ALREADY_ANSWERED = "already_answered"
    ATTEMPT_ENDED = "attempt_ended"
    ATTEMPT_LIMIT = "attempt_limit"
    CLOSED = "closed"
    EXPIRED = "expired"
    NOT_ELIGIBLE = "not_eligible"
    NOT_IN_ATTEMPT = "not_in_attempt"
    NOT_OPEN = "not_open"
    NOT_SERVED = "not_served"
    NO_QUESTIONS = "no_questions"
