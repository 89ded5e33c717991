import graphene

from api.core.pagination import PageInfo
from study.models import Source


class PointsEntry(graphene.ObjectType):
    """One line of 积分明细: points credited for one event."""

    id = graphene.ID(required=True)
    source = graphene.String(required=True, description="The source's code: reading, video, quiz, daily_quiz ...")
    source_label = graphene.String(required=True, description="The source in the user's language")
    day = graphene.Date(required=True)
    points = graphene.Int(required=True)
    credited_at = graphene.DateTime(required=True)

    @staticmethod
    def from_row(row):
        return PointsEntry(
            id=row.pk,
            source=row.source,
            source_label=str(Source(row.source).label),
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
