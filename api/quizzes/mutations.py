import time

import graphene
from django.conf import settings
from django.utils.translation import gettext as _

from api.core import errors, security
from api.core.idempotency import idempotency_key_argument
from api.quizzes.dataloaders import player_cadre
from api.quizzes.types import PlayQuestion, QuizAttempt, QuizResult, ReviewedQuestion
from core import idempotency
from core.error_codes import CommonErrorCode
from core.ratelimit import increment, window_bucket
from quizzes import selectors, services
from quizzes.models import LETTERS

# Playing is bounded by the attempt's own state (one answer per question); this only stops a runaway client.
PLAY_PER_MINUTE = getattr(settings, "QUIZ_PLAY_MUTATIONS_PER_MINUTE", 120)


def _allow_play(request):
    bucket, _ends = window_bucket(time.time(), 60)
    # Fails open (core/ratelimit.py): a signed-in cadre playing; nothing to guess or to pay for.
    return increment(f"api:rate:quiz_play:user:{request.user.pk}:{bucket}", 60, fail_open=True) <= PLAY_PER_MINUTE


class PlayResult(QuizResult):
    attempt = graphene.Field(QuizAttempt)
    question = graphene.Field(PlayQuestion, description="The question to answer now; null once the attempt ended")


def _quiz_error(exc):
    return errors.error(exc.message, exc.code, exc.field)


def _play(cls, info, action, limit_name=None):
    request = info.context
    if not request.user.is_authenticated:
        return errors.failed(cls, errors.unauthenticated())
    allowed = security.allow_mutation(request, limit_name) if limit_name else _allow_play(request)
    if not allowed:
        return errors.failed(cls, security.rate_limited_error())
    cadre = player_cadre(request)
    if cadre is None:
        message = _("Quizzes are for registered cadres.")
        return errors.failed(cls, errors.error(message, CommonErrorCode.PERMISSION_DENIED))
    try:
        return action(cadre)
    except services.QuizError as exc:
        return errors.failed(cls, _quiz_error(exc))


def _served(cls, attempt, cadre):
    attempt, item = services.serve_current(attempt, cadre)
    if item is not None:
        item.attempt = attempt
    return cls(ok=True, errors=[], attempt=attempt, question=item)


class StartQuizAttempt(PlayResult, graphene.Mutation):
    """Start a quiz, or resume the attempt in progress (after a reload): answers with the question to play."""

    class Arguments:
        quiz_id = graphene.ID(required=True)

    @classmethod
    def mutate(cls, root, info, quiz_id):
        def action(cadre):
            quiz = selectors.visible_quiz(quiz_id)
            if quiz is None:
                return errors.failed(cls, errors.not_found("quiz_id"))
            return _served(cls, services.start_attempt(quiz, cadre), cadre)

        return _play(cls, info, action, limit_name="start_quiz_attempt")


class NextQuizQuestion(PlayResult, graphene.Mutation):
    """The question to play now (its timer starts when it is first served)."""

    class Arguments:
        attempt_id = graphene.ID(required=True)

    @classmethod
    def mutate(cls, root, info, attempt_id):
        def action(cadre):
            attempt = selectors.own_attempt(attempt_id, cadre)
            if attempt is None:
                return errors.failed(cls, errors.not_found("attempt_id"))
            return _served(cls, attempt, cadre)

        return _play(cls, info, action)


class AnswerQuizQuestion(QuizResult, graphene.Mutation):
    """Answer one question; `choices` are the letters shown (["A"], ["A", "C"]); [] only once time is up."""

    class Arguments:
        attempt_id = graphene.ID(required=True)
        question_id = graphene.ID(required=True)
        choices = graphene.List(graphene.NonNull(graphene.String), required=True)
        idempotency_key = idempotency_key_argument()

    attempt = graphene.Field(QuizAttempt)
    feedback = graphene.Field(ReviewedQuestion)

    @classmethod
    def mutate(cls, root, info, attempt_id, question_id, choices, idempotency_key=""):
        key = idempotency.key_from(info.context, idempotency_key)

        def action(cadre):
            attempt = selectors.own_attempt(attempt_id, cadre)
            if attempt is None:
                # Someone else's attempt looks exactly like a missing one.
                return errors.failed(cls, errors.not_found("attempt_id"))
            shown = []
            for choice in choices:
                letter = str(choice).strip().upper()
                if len(letter) != 1 or letter not in LETTERS:
                    message = _("Choose among the options shown.")
                    raise services.QuizError(message, CommonErrorCode.INVALID_CHOICE, "choices")
                shown.append(LETTERS.index(letter))
            if not str(question_id).isdigit():
                return errors.failed(cls, errors.not_found("question_id"))
            item = services.answer_question(attempt, int(question_id), shown, cadre, idempotency_key=key)
            item.question.policy_page  # noqa: B018 - loaded for the feedback
            return cls(ok=True, errors=[], attempt=item.attempt, feedback=item)

        return _play(cls, info, action)


class FinishQuizAttempt(QuizResult, graphene.Mutation):
    """End the attempt now; questions not answered score nothing."""

    class Arguments:
        attempt_id = graphene.ID(required=True)

    attempt = graphene.Field(QuizAttempt)

    @classmethod
    def mutate(cls, root, info, attempt_id):
        def action(cadre):
            attempt = selectors.own_attempt(attempt_id, cadre)
            if attempt is None:
                return errors.failed(cls, errors.not_found("attempt_id"))
            return cls(ok=True, errors=[], attempt=services.finish_attempt(attempt, cadre))

        return _play(cls, info, action)


class QuizzesMutation(graphene.ObjectType):
    start_quiz_attempt = StartQuizAttempt.Field()
    next_quiz_question = NextQuizQuestion.Field()
    answer_quiz_question = AnswerQuizQuestion.Field()
    finish_quiz_attempt = FinishQuizAttempt.Field()
