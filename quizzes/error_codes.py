"""Why quizzes refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class QuizErrorCode(StrEnum):
    ALREADY_ANSWERED = "already_answered"  # a second answer to the same question
    ATTEMPT_ENDED = "attempt_ended"  # the attempt is finished or expired
    ATTEMPT_LIMIT = "attempt_limit"  # no attempts left (today's, for a daily quiz)
    CLOSED = "closed"  # the quiz has closed
    EXPIRED = "expired"  # time ran out on the attempt
    NOT_ELIGIBLE = "not_eligible"  # the cadre's department does not take part
    NOT_IN_ATTEMPT = "not_in_attempt"  # a question that is not part of the attempt
    NOT_OPEN = "not_open"  # the quiz has not opened yet
    NOT_SERVED = "not_served"  # an answer to a question not yet shown
    NO_QUESTIONS = "no_questions"  # the quiz has nothing to draw from
