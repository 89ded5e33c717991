import graphene

from api.core.errors import error_type, mutation_result
from api.core.pagination import PageInfo
from forum.error_codes import ForumErrorCode
from forum.models import ReportReason

ForumErrorCodeEnum, ForumError = error_type("ForumError", ForumErrorCode)
ForumResult = mutation_result(ForumError)
ReportReasonEnum = graphene.Enum.from_enum(ReportReason)


def _author_name(user):
    # As the forum's templates show it; never the phone number (cadre accounts are named cadre-<id>).
    return user.first_name or user.get_username()


class Board(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    intro = graphene.String()
    url = graphene.String()
    is_pre_moderated = graphene.Boolean(required=True)

    @staticmethod
    def resolve_url(board, info):
        return board.get_url(info.context)


class ForumTopic(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    author_name = graphene.String(required=True)
    status = graphene.String(required=True)
    pinned = graphene.Boolean(required=True)
    locked = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    last_activity_at = graphene.DateTime(required=True)
    reply_count = graphene.Int(required=True)

    @staticmethod
    def resolve_author_name(topic, info):
        return _author_name(topic.author)


class ForumPost(graphene.ObjectType):
    id = graphene.ID(required=True)
    body = graphene.String(required=True)
    author_name = graphene.String(required=True)
    is_opening = graphene.Boolean(required=True)
    is_mine = graphene.Boolean(required=True)
    status = graphene.String(required=True, description="Others only ever see `published` posts.")
    rejection_reason = graphene.String(description="Only for the author's own rejected post.")
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_author_name(post, info):
        return _author_name(post.author)

    @staticmethod
    def resolve_is_mine(post, info):
        return post.author_id == info.context.user.pk

    @staticmethod
    def resolve_rejection_reason(post, info):
        return post.rejection_reason if post.author_id == info.context.user.pk else None


class BoardListing(graphene.ObjectType):
    board = graphene.Field(Board, required=True)
    topics = graphene.List(graphene.NonNull(ForumTopic), required=True)
    page_info = graphene.Field(PageInfo, required=True)


class TopicListing(graphene.ObjectType):
    topic = graphene.Field(ForumTopic, required=True)
    board = graphene.Field(Board, required=True)
    posts = graphene.List(graphene.NonNull(ForumPost), required=True)
    page_info = graphene.Field(PageInfo, required=True)
    can_reply = graphene.Boolean(required=True)
