import graphene
from django.core.paginator import Paginator
from django.utils import timezone

from api.core.errors import require_login
from api.core.pagination import clamp_page_size, page_of
from api.core.types import enum_value
from api.study.types import (
    MyPoints,
    PointsEntry,
    RankingQuery,
    SourceToday,
    StudyRanking,
    StudyRankingPeriod,
    StudyTask,
)
from study import assignments, ledger, rankings, selectors
from study.models import Source


class StudyQuery(graphene.ObjectType):
    my_points = graphene.Field(
        MyPoints,
        page=graphene.Int(default_value=1),
        page_size=graphene.Int(default_value=20),
        description="The logged-in cadre's points: totals and the ledger (积分明细); null for a user who is no cadre",
    )

    my_tasks = graphene.List(
        graphene.NonNull(StudyTask), required=True, description="The logged-in cadre's study tasks, open ones first"
    )

    study_ranking = graphene.Field(
        StudyRanking,
        period=StudyRankingPeriod(required=True),
        limit=graphene.Int(default_value=20),
        description="Study points rankings of people and departments for this week, month or year",
    )

    @staticmethod
    def resolve_study_ranking(root, info, period, limit=20):
        cadre = selectors.cadre_of(require_login(info))
        limit = max(1, min(limit or 20, 100))
        return RankingQuery(period=rankings.period_of(enum_value(period)), limit=limit, cadre=cadre)

    @staticmethod
    def resolve_my_tasks(root, info):
        cadre = selectors.cadre_of(require_login(info))
        if cadre is None:
            return []
        now = timezone.now()
        return [StudyTask.from_member(member, now, info.context) for member in assignments.my_tasks(cadre)]

    @staticmethod
    def resolve_my_points(root, info, page=1, page_size=20):
        cadre = selectors.cadre_of(require_login(info))
        if cadre is None:
            return None
        today = ledger.source_totals(cadre)
        totals = ledger.totals(cadre, today_points=sum(today.values()))
        labels = {source: str(label) for source, label in Source.choices}  # each translated once
        rows, page_info = page_of(Paginator(selectors.points_entries(cadre), clamp_page_size(page_size)), page)
        return MyPoints(
            today=totals.today,
            week=totals.week,
            month=totals.month,
            year=totals.year,
            all_time=totals.all_time,
            sources_today=[
                SourceToday(
                    source=rule.source,
                    source_label=labels[rule.source],
                    points=today.get(rule.source, 0),
                    daily_cap=rule.daily_cap,
                )
                for rule in ledger.rules()
                if rule.is_active
            ],
            entries=[PointsEntry.from_row(row, labels) for row in rows],
            page_info=page_info,
        )
