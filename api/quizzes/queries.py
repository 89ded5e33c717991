import graphene

from api.core.errors import require_login
from api.core.types import enum_value
from api.quizzes.dataloaders import StandingByQuizLoader, player_cadre
from api.quizzes.types import BoardEnum, Leaderboard, Quiz, QuizAttempt, StudyDay, StudyRecord
from core.points import PointSource
from quizzes import boards, selectors, services
from quizzes.models import Board, QuizMode
from study import records


def _cadre(info):
    require_login(info)
    return player_cadre(info.context)


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
        quizzes = services.quizzes_for(player_cadre(info.context))
        StandingByQuizLoader(info.context).expect(quizzes)
        return quizzes

    @staticmethod
    def resolve_quiz(root, info, id):
        quiz = selectors.visible_quiz(id)
        if quiz is None:
            return None
        cadre = player_cadre(info.context)
        if cadre is not None and not services.is_eligible(quiz, cadre):
            return None
        return quiz

    @staticmethod
    def resolve_quiz_attempt(root, info, id):
        attempt = selectors.own_attempt(id, _cadre(info))
        if attempt is not None:
            services.expire_if_due(attempt)
            attempt.refresh_from_db()
        return attempt

    @staticmethod
    def resolve_leaderboard(root, info, board, quiz_id=None, limit=20):
        cadre = _cadre(info)
        limit = max(1, min(limit or 20, 100))
        board = Board(enum_value(board))
        minimum = boards.MIN_PARTICIPANTS
        quiz = None
        if board == Board.COMPETITION:
            quiz = selectors.visible_quiz(quiz_id) if quiz_id else None
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
        rows = records.study_record(cadre, days) if cadre else []
        return StudyRecord(
            days=[StudyDay(**row) for row in rows],
            total=sum(row["points"] for row in rows),
            quiz_daily_cap=records.cap(PointSource.QUIZ),
            reading_daily_cap=records.cap(PointSource.READING),
        )
