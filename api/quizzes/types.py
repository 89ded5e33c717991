import graphene
from django.utils import timezone
from wagtail.rich_text import expand_db_html

from api.core.errors import error_type, mutation_result
from api.quizzes.dataloaders import AnsweredItemsByAttemptLoader, StandingByQuizLoader
from quizzes.error_codes import QuizErrorCode
from quizzes.models import LETTERS, AttemptState, Board, QuizMode

QuizErrorCodeEnum, QuizError = error_type("QuizError", QuizErrorCode)
QuizResult = mutation_result(QuizError)
BoardEnum = graphene.Enum.from_enum(Board, name="QuizBoard")
QuizModeEnum = graphene.Enum.from_enum(QuizMode, name="QuizModeEnum")
AttemptStateEnum = graphene.Enum.from_enum(AttemptState, name="QuizAttemptState")


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
        return StandingByQuizLoader(info.context).load(quiz).attempts_left

    @staticmethod
    def resolve_open_attempt_id(quiz, info):
        return StandingByQuizLoader(info.context).load(quiz).open_attempt_id

    @staticmethod
    def resolve_best_score(quiz, info):
        return StandingByQuizLoader(info.context).load(quiz).best_score


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
        return len(AnsweredItemsByAttemptLoader(info.context).load(attempt))

    @staticmethod
    def resolve_review(attempt, info):
        return AnsweredItemsByAttemptLoader(info.context).load(attempt)


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
