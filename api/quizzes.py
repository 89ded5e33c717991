"""Quizzes: the list, playing an attempt, leaderboards and the study record, through quizzes.services.

A question being played (`PlayQuestion`) has no field that could tell the answer: correctness, explanation and
the right options exist only on `ReviewedQuestion`, which the API builds for answered questions alone.
"""

import time

import graphene
from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api import errors, security
from core.ratelimit import increment, window_bucket
from quizzes import boards, services
from quizzes.models import LETTERS, Attempt, AttemptState, Board, QuizMode

BoardEnum = graphene.Enum.from_enum(Board, name="QuizBoard")
QuizModeEnum = graphene.Enum.from_enum(QuizMode, name="QuizModeEnum")
AttemptStateEnum = graphene.Enum.from_enum(AttemptState, name="QuizAttemptState")

# Playing is bounded by the attempt's own state (one answer per question); this only stops a runaway client.
PLAY_PER_MINUTE = getattr(settings, "QUIZ_PLAY_MUTATIONS_PER_MINUTE", 120)


def _allow_play(request):
    bucket, _ends = window_bucket(time.time(), 60)
    # Fails open (core/ratelimit.py): a signed-in cadre playing; nothing to guess or to pay for.
    return increment(f"api:rate:quiz_play:user:{request.user.pk}:{bucket}", 60, fail_open=True) <= PLAY_PER_MINUTE


class QuizOption(graphene.ObjectType):
    key = graphene.String(required=True, description="The letter shown: A, B, C...")
    text = graphene.String(required=True)


class Quiz(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    mode = graphene.Field(QuizModeEnum, required=True)
    intro = graphene.String(description="HTML")
    question_count = graphene.Int(required=True)
    seconds_per_question = graphene.Int(required=True, description="0 when untimed")
    opens_at = graphene.DateTime()
    closes_at = graphene.DateTime()
    is_open = graphene.Boolean(required=True)
    attempt_limit = graphene.Int(description="null: unlimited")
    attempts_left = graphene.Int(description="null: unlimited or not logged in")
    open_attempt_id = graphene.ID(description="The player's attempt in progress, to resume")
    best_score = graphene.Int()
    min_participants = graphene.Int(required=True)

    @staticmethod
    def resolve_intro(quiz, info):
        from wagtail.rich_text import expand_db_html

        return expand_db_html(quiz.intro)

    @staticmethod
    def resolve_seconds_per_question(quiz, info):
        return quiz.seconds_per_question if quiz.is_timed else 0

    @staticmethod
    def resolve_is_open(quiz, info):
        return quiz.is_open()

    @staticmethod
    def resolve_attempt_limit(quiz, info):
        if quiz.mode == QuizMode.DAILY:
            return 1
        return quiz.attempt_limit or None

    @staticmethod
    def resolve_attempts_left(quiz, info):
        return getattr(quiz, "_attempts_left", None)

    @staticmethod
    def resolve_open_attempt_id(quiz, info):
        return getattr(quiz, "_open_attempt_id", None)

    @staticmethod
    def resolve_best_score(quiz, info):
        return getattr(quiz, "_best_score", None)


def _annotate_for(quizzes, cadre):
    """attempts left, attempt in progress and best score for each quiz, in two queries whatever their number."""
    if cadre is None or not quizzes:
        return quizzes
    today = timezone.localdate()
    counts = {
        row["quiz"]: row
        for row in Attempt.objects.filter(cadre=cadre, quiz__in=quizzes)
        .values("quiz")
        .annotate(n=Count("pk"), today=Count("pk", filter=Q(day=today)), best=Max("score"))
    }
    open_ids = dict(
        Attempt.objects.filter(cadre=cadre, quiz__in=quizzes, state=AttemptState.IN_PROGRESS).values_list("quiz", "pk")
    )
    for quiz in quizzes:
        row = counts.get(quiz.pk, {"n": 0, "today": 0, "best": None})
        if quiz.mode == QuizMode.DAILY:
            quiz._attempts_left = 0 if row["today"] else 1
        elif quiz.attempt_limit:
            quiz._attempts_left = max(0, quiz.attempt_limit - row["n"])
        quiz._open_attempt_id = open_ids.get(quiz.pk)
        quiz._best_score = row["best"]
    return quizzes


class _AttemptQuestionFields:
    """What every view of a question in an attempt shows: its place, text and options in the attempt's order."""

    id = graphene.ID(required=True)
    position = graphene.Int(required=True, description="0-based")
    kind = graphene.String(required=True)
    text = graphene.String(required=True)
    options = graphene.List(graphene.NonNull(QuizOption), required=True)

    @staticmethod
    def resolve_kind(item, info):
        return item.question.kind

    @staticmethod
    def resolve_text(item, info):
        return item.question.text

    @staticmethod
    def resolve_options(item, info):
        return _options(item)


class PlayQuestion(_AttemptQuestionFields, graphene.ObjectType):
    """A question as the player sees it before answering: text and shuffled options, nothing more."""

    deadline = graphene.DateTime()
    seconds_left = graphene.Float(description="By the server's clock; null when untimed")
    seconds_total = graphene.Int()

    @staticmethod
    def resolve_seconds_left(item, info):
        if item.deadline is None:
            return None
        return max(0.0, round((item.deadline - timezone.now()).total_seconds(), 1))

    @staticmethod
    def resolve_seconds_total(item, info):
        return item.attempt.quiz.seconds_per_question if item.deadline else None


def _options(item):
    texts = item.question.options
    return [QuizOption(key=LETTERS[shown], text=texts[original]) for shown, original in enumerate(item.option_order)]


def _shown(item, originals):
    return [item.option_order.index(i) for i in originals]


class ReviewedQuestion(_AttemptQuestionFields, graphene.ObjectType):
    """An answered question with the feedback: what was chosen, what was right, why."""

    chosen = graphene.List(graphene.NonNull(graphene.String), required=True, description="Letters as shown")
    correct = graphene.List(graphene.NonNull(graphene.String), required=True, description="Letters as shown")
    is_correct = graphene.Boolean(required=True)
    late = graphene.Boolean(required=True, description="Answered after the deadline (or not at all): no points")
    points = graphene.Int(required=True)
    explanation = graphene.String()
    policy_title = graphene.String()
    policy_url = graphene.String()

    @staticmethod
    def resolve_chosen(item, info):
        return [LETTERS[i] for i in sorted(_shown(item, item.chosen or []))]

    @staticmethod
    def resolve_correct(item, info):
        return [LETTERS[i] for i in sorted(_shown(item, item.question.correct))]

    @staticmethod
    def resolve_is_correct(item, info):
        return bool(item.is_correct)

    @staticmethod
    def resolve_explanation(item, info):
        return item.question.explanation

    @staticmethod
    def resolve_policy_title(item, info):
        page = item.question.policy_page
        return page.title if page is not None and page.live else None

    @staticmethod
    def resolve_policy_url(item, info):
        page = item.question.policy_page
        return page.url if page is not None and page.live else None


class QuizAttempt(graphene.ObjectType):
    id = graphene.ID(required=True)
    quiz = graphene.Field(Quiz, required=True)
    state = graphene.Field(AttemptStateEnum, required=True)
    score = graphene.Int(required=True)
    correct_count = graphene.Int(required=True)
    question_count = graphene.Int(required=True)
    answered_count = graphene.Int(required=True)
    started_at = graphene.DateTime(required=True)
    ended_at = graphene.DateTime()
    expires_at = graphene.DateTime(required=True)
    review = graphene.List(
        graphene.NonNull(ReviewedQuestion), required=True, description="The answered questions, in order"
    )

    @staticmethod
    def resolve_answered_count(attempt, info):
        return len(_answered(attempt))

    @staticmethod
    def resolve_review(attempt, info):
        return _answered(attempt)


def _answered(attempt):
    if not hasattr(attempt, "_answered"):
        attempt._answered = list(
            attempt.items.filter(answered_at__isnull=False).select_related("question__policy_page").order_by("position")
        )
        for item in attempt._answered:
            item.attempt = attempt
    return attempt._answered


class LeaderboardEntry(graphene.ObjectType):
    rank = graphene.Int(required=True)
    name = graphene.String(description="Individual boards only")
    department = graphene.String(required=True)
    score = graphene.Int(required=True, description="Total points (a department: all its participants')")
    participants = graphene.Int()
    per_member = graphene.Float(description="Department boards: points per participating member")
    is_me = graphene.Boolean(required=True)

    @staticmethod
    def resolve_name(entry, info):
        return entry.name or None


class Leaderboard(graphene.ObjectType):
    board = graphene.Field(BoardEnum, required=True)
    period = graphene.String(required=True)
    individuals = graphene.List(graphene.NonNull(LeaderboardEntry), required=True)
    departments = graphene.List(graphene.NonNull(LeaderboardEntry), required=True)
    me = graphene.Field(LeaderboardEntry, description="The player's own rank, also when outside the list")
    min_participants = graphene.Int(required=True)


class StudyDay(graphene.ObjectType):
    day = graphene.Date(required=True)
    reads = graphene.Int(required=True)
    quiz_points = graphene.Int(required=True)
    reading_points = graphene.Int(required=True)
    points = graphene.Int(required=True)


class StudyRecord(graphene.ObjectType):
    days = graphene.List(graphene.NonNull(StudyDay), required=True)
    total = graphene.Int(required=True)
    quiz_daily_cap = graphene.Int(required=True)
    reading_daily_cap = graphene.Int(required=True)


def _cadre(info):
    user = errors.require_login(info)
    if not hasattr(user, "_quiz_cadre"):
        user._quiz_cadre = services.cadre_of(user)
    return user._quiz_cadre


def _quiz(pk):
    return services.visible_quizzes().filter(pk=pk).first() if str(pk).isdigit() else None


def _own_attempt(pk, cadre):
    if cadre is None or not str(pk).isdigit():
        return None
    return Attempt.objects.select_related("quiz").filter(pk=pk, cadre=cadre).first()


class QuizzesQuery(graphene.ObjectType):
    quizzes = graphene.List(graphene.NonNull(Quiz), required=True, description="Live quizzes open to the player")
    quiz = graphene.Field(Quiz, id=graphene.ID(required=True))
    quiz_attempt = graphene.Field(QuizAttempt, id=graphene.ID(required=True), description="Only your own")
    leaderboard = graphene.Field(
        Leaderboard,
        board=BoardEnum(required=True),
        quiz_id=graphene.ID(description="For the competition board"),
        limit=graphene.Int(default_value=20),
    )
    study_record = graphene.Field(StudyRecord, days=graphene.Int(default_value=14))

    @staticmethod
    def resolve_quizzes(root, info):
        user = info.context.user
        cadre = _cadre(info) if user.is_authenticated else None
        return _annotate_for(services.quizzes_for(cadre), cadre)

    @staticmethod
    def resolve_quiz(root, info, id):
        quiz = _quiz(id)
        if quiz is None:
            return None
        cadre = _cadre(info) if info.context.user.is_authenticated else None
        if cadre is not None and not services.is_eligible(quiz, cadre):
            return None
        return _annotate_for([quiz], cadre)[0]

    @staticmethod
    def resolve_quiz_attempt(root, info, id):
        cadre = _cadre(info)
        attempt = _own_attempt(id, cadre)
        if attempt is not None:
            services.expire_if_due(attempt)
            attempt.refresh_from_db()
        return attempt

    @staticmethod
    def resolve_leaderboard(root, info, board, quiz_id=None, limit=20):
        cadre = _cadre(info)
        limit = max(1, min(limit or 20, 100))
        board = Board(board.value if hasattr(board, "value") else board)
        minimum = boards.MIN_PARTICIPANTS
        quiz = None
        if board == Board.COMPETITION:
            quiz = _quiz(quiz_id) if quiz_id else None
            if quiz is None or quiz.mode != QuizMode.COMPETITION:
                return None
            minimum = quiz.min_participants
        period = boards.current_period(board, quiz)
        return Leaderboard(
            board=board,
            period=period,
            individuals=boards.individual(board, period, limit=limit, me=cadre),
            departments=boards.departments(board, period, min_participants=minimum, limit=limit, me=cadre),
            me=boards.my_rank(board, period, cadre) if cadre else None,
            min_participants=minimum,
        )

    @staticmethod
    def resolve_study_record(root, info, days=14):
        cadre = _cadre(info)
        days = max(1, min(days or 14, 90))
        rows = services.study_record(cadre, days) if cadre else []
        return StudyRecord(
            days=[StudyDay(**row) for row in rows],
            total=sum(row["points"] for row in rows),
            quiz_daily_cap=services.QUIZ_DAILY_CAP,
            reading_daily_cap=services.READING_DAILY_CAP,
        )


class PlayResult(errors.MutationResult):
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
    cadre = services.cadre_of(request.user)
    if cadre is None:
        return errors.failed(cls, errors.error(_("Quizzes are for registered cadres."), "not_cadre"))
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
            quiz = _quiz(quiz_id)
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
            attempt = _own_attempt(attempt_id, cadre)
            if attempt is None:
                return errors.failed(cls, errors.not_found("attempt_id"))
            return _served(cls, attempt, cadre)

        return _play(cls, info, action)


class AnswerQuizQuestion(errors.MutationResult, graphene.Mutation):
    """Answer one question; `choices` are the letters shown (["A"], ["A", "C"]); [] only once time is up."""

    class Arguments:
        attempt_id = graphene.ID(required=True)
        question_id = graphene.ID(required=True)
        choices = graphene.List(graphene.NonNull(graphene.String), required=True)

    attempt = graphene.Field(QuizAttempt)
    feedback = graphene.Field(ReviewedQuestion)

    @classmethod
    def mutate(cls, root, info, attempt_id, question_id, choices):
        def action(cadre):
            attempt = _own_attempt(attempt_id, cadre)
            if attempt is None:
                # Someone else's attempt looks exactly like a missing one.
                return errors.failed(cls, errors.not_found("attempt_id"))
            shown = []
            for choice in choices:
                letter = str(choice).strip().upper()
                if len(letter) != 1 or letter not in LETTERS:
                    raise services.QuizError(_("Choose among the options shown."), "invalid_choice", "choices")
                shown.append(LETTERS.index(letter))
            if not str(question_id).isdigit():
                return errors.failed(cls, errors.not_found("question_id"))
            item = services.answer_question(attempt, int(question_id), shown, cadre)
            item.question.policy_page  # noqa: B018 - loaded for the feedback
            return cls(ok=True, errors=[], attempt=item.attempt, feedback=item)

        return _play(cls, info, action)


class FinishQuizAttempt(errors.MutationResult, graphene.Mutation):
    """End the attempt now; questions not answered score nothing."""

    class Arguments:
        attempt_id = graphene.ID(required=True)

    attempt = graphene.Field(QuizAttempt)

    @classmethod
    def mutate(cls, root, info, attempt_id):
        def action(cadre):
            attempt = _own_attempt(attempt_id, cadre)
            if attempt is None:
                return errors.failed(cls, errors.not_found("attempt_id"))
            return cls(ok=True, errors=[], attempt=services.finish_attempt(attempt, cadre))

        return _play(cls, info, action)


class QuizzesMutation(graphene.ObjectType):
    start_quiz_attempt = StartQuizAttempt.Field()
    next_quiz_question = NextQuizQuestion.Field()
    answer_quiz_question = AnswerQuizQuestion.Field()
    finish_quiz_attempt = FinishQuizAttempt.Field()
