from dataclasses import dataclass

import graphene

from api.core.errors import error_type
from api.core.pagination import PageInfo
from study import rankings
from study.error_codes import StudyErrorCode
from study.models import Source

StudyErrorCodeEnum, StudyError = error_type("StudyError", StudyErrorCode)


class PointsEntry(graphene.ObjectType):
    """One line of 积分明细: points credited for one event."""

    id = graphene.ID(required=True)
    source = graphene.String(required=True, description="The source's code: reading, video, quiz, daily_quiz ...")
    source_label = graphene.String(required=True, description="The source in the user's language")
    day = graphene.Date(required=True)
    points = graphene.Int(required=True)
    credited_at = graphene.DateTime(required=True)

    @staticmethod
    def from_row(row, labels=None):
        return PointsEntry(
            id=row.pk,
            source=row.source,
            source_label=labels[row.source] if labels else str(Source(row.source).label),
            day=row.day,
            points=row.points,
            credited_at=row.created_at,
        )


class SourceToday(graphene.ObjectType):
    """What a cadre earned today from one source, against its daily cap (0: no cap)."""

    source = graphene.String(required=True)
    source_label = graphene.String(required=True)
    points = graphene.Int(required=True)
    daily_cap = graphene.Int(required=True)


class MyPoints(graphene.ObjectType):
    today = graphene.Int(required=True)
    week = graphene.Int(required=True)
    month = graphene.Int(required=True)
    year = graphene.Int(required=True)
    all_time = graphene.Int(required=True)
    sources_today = graphene.List(graphene.NonNull(SourceToday), required=True)
    entries = graphene.List(graphene.NonNull(PointsEntry), required=True)
    page_info = graphene.Field(PageInfo, required=True)


class TaskPage(graphene.ObjectType):
    title = graphene.String(required=True)
    url = graphene.String(required=True)


class StudyTask(graphene.ObjectType):
    """A study task given to the cadre, with their progress."""

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    description = graphene.String(required=True)
    deadline = graphene.DateTime(required=True)
    page_count = graphene.Int(required=True)
    pages_done = graphene.Int(required=True)
    quiz_id = graphene.ID()
    quiz_title = graphene.String()
    pass_mark = graphene.Int(required=True)
    best_score = graphene.Int()
    completed_at = graphene.DateTime()
    is_overdue = graphene.Boolean(required=True)
    pages = graphene.List(graphene.NonNull(TaskPage), required=True)

    @staticmethod
    def from_member(member, now, request=None):
        task = member.task
        pages = [TaskPage(title=p.title, url=p.get_url(request) or "") for p in task.pages.all()]
        return StudyTask(
            id=task.pk,
            title=task.title,
            description=task.description,
            deadline=task.deadline,
            page_count=member.page_count,
            pages_done=min(member.pages_done, member.page_count),
            quiz_id=task.quiz_id,
            quiz_title=task.quiz.title if task.quiz_id else None,
            pass_mark=task.pass_mark,
            best_score=member.best_score,
            completed_at=member.completed_at,
            is_overdue=member.completed_at is None and task.deadline <= now,
            pages=pages,
        )


class StudyRankingPeriod(graphene.Enum):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class StudyRankingRow(graphene.ObjectType):
    rank = graphene.Int(required=True)
    name = graphene.String(required=True, description="The cadre; empty for a department")
    department = graphene.String(required=True)
    points = graphene.Int(required=True)
    participants = graphene.Int(required=True)
    per_member = graphene.Float(required=True)
    is_me = graphene.Boolean(required=True)


@dataclass(frozen=True)
class RankingQuery:
    """What a ranking was asked for: each list is read only when its field is selected (a client that shows the
    departments does not count the cadre's own rank among 100,000)."""

    period: str
    limit: int
    cadre: object
    min_participants: int = rankings.MIN_PARTICIPANTS


class StudyRanking(graphene.ObjectType):
    period = graphene.String(required=True)
    people = graphene.List(graphene.NonNull(StudyRankingRow), required=True)
    departments = graphene.List(graphene.NonNull(StudyRankingRow), required=True)
    me = graphene.Field(StudyRankingRow, description="The cadre's own rank, also outside the list")
    min_participants = graphene.Int(required=True)

    @staticmethod
    def resolve_people(root: RankingQuery, info):
        return rankings.people(root.period, limit=root.limit, me=root.cadre)

    @staticmethod
    def resolve_departments(root: RankingQuery, info):
        return rankings.departments(root.period, limit=root.limit, me=root.cadre)

    @staticmethod
    def resolve_me(root: RankingQuery, info):
        return rankings.my_rank(root.period, root.cadre) if root.cadre else None
