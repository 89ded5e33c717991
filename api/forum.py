"""Forum: boards, topics and posts to read; topics, replies and reports to write through forum.services."""

import graphene
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext as _

from api import errors, security
from api.pagination import PageInfo, clamp_page_size, page_of
from forum import services
from forum.models import ForumBoardPage, Post, PostStatus, ReportReason, Topic
from forum.views import TOPICS_PER_PAGE

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


def _boards():
    return ForumBoardPage.objects.live().public()


def _visible_topic(pk, user):
    """A published topic, or the author's own waiting one, or any for a moderator (as the web view decides)."""
    topic = Topic.objects.select_related("author", "board").filter(pk=pk, board__in=_boards()).first()
    if topic is None or topic.is_visible:
        return topic
    if (user.is_authenticated and topic.author_id == user.pk) or services.can_moderate(user):
        return topic
    return None


class ForumQuery(graphene.ObjectType):
    boards = graphene.List(graphene.NonNull(Board), required=True)
    board = graphene.Field(BoardListing, id=graphene.ID(required=True), page=graphene.Int(default_value=1))
    topic = graphene.Field(
        TopicListing, id=graphene.ID(required=True), page=graphene.Int(default_value=1), page_size=graphene.Int()
    )

    @staticmethod
    def resolve_boards(root, info):
        return list(_boards().order_by("path"))

    @staticmethod
    def resolve_board(root, info, id, page=1):
        board = _boards().filter(pk=id).first()
        if board is None:
            return None
        topics = (
            Topic.objects.filter(board=board, status=PostStatus.PUBLISHED)
            .select_related("author")
            .order_by("-pinned", "-last_activity_at", "-pk")
        )
        items, page_info = page_of(Paginator(topics, TOPICS_PER_PAGE), page)
        return BoardListing(board=board, topics=items, page_info=page_info)

    @staticmethod
    def resolve_topic(root, info, id, page=1, page_size=None):
        user = info.context.user
        topic = _visible_topic(id, user)
        if topic is None:
            return None
        visible = Q(status=PostStatus.PUBLISHED)
        if user.is_authenticated:
            visible |= Q(author=user)  # the author sees their own waiting or rejected posts, with the reason
        posts = topic.posts.filter(visible).select_related("author").order_by("created_at", "pk")
        items, page_info = page_of(Paginator(posts, clamp_page_size(page_size)), page)
        return TopicListing(
            topic=topic,
            board=topic.board,
            posts=items,
            page_info=page_info,
            can_reply=topic.is_visible and not topic.locked,
        )


class PostingResult(errors.MutationResult):
    post = graphene.Field(ForumPost)
    topic = graphene.Field(ForumTopic)
    published = graphene.Boolean(description="False when the post waits for a moderator.")
    held_for = graphene.String(description="Why it waits: `board` (pre-moderated) or `sensitive`.")


def _posting(cls, info, name, action):
    """The shared frame of posting mutations: login, rate limit, the service, its errors typed."""
    request = info.context
    if not request.user.is_authenticated:
        return errors.failed(cls, errors.unauthenticated())
    if not security.allow_mutation(request, name):
        return errors.failed(cls, security.rate_limited_error())
    try:
        outcome = action(request.user)
    except ValidationError as exc:
        return errors.failed(cls, *errors.from_validation_error(exc))
    except PermissionDenied:
        return errors.failed(cls, errors.error(_("You may not do this."), "forbidden"))
    if outcome is None:
        return errors.failed(cls, errors.not_found())
    return cls(
        ok=True,
        errors=[],
        post=outcome.post,
        topic=outcome.topic,
        published=outcome.is_published,
        held_for=outcome.held_for,
    )


class CreateTopic(PostingResult, graphene.Mutation):
    class Arguments:
        board_id = graphene.ID(required=True)
        title = graphene.String(required=True)
        body = graphene.String(required=True)

    @classmethod
    def mutate(cls, root, info, board_id, title, body):
        def action(user):
            board = _boards().filter(pk=board_id).first()
            return board and services.create_topic(board, user, title, body)

        return _posting(cls, info, "create_topic", action)


class Reply(PostingResult, graphene.Mutation):
    class Arguments:
        topic_id = graphene.ID(required=True)
        body = graphene.String(required=True)

    @classmethod
    def mutate(cls, root, info, topic_id, body):
        def action(user):
            topic = _visible_topic(topic_id, user)
            return topic and services.reply(topic, user, body)

        return _posting(cls, info, "reply", action)


class ReportPost(errors.MutationResult, graphene.Mutation):
    class Arguments:
        post_id = graphene.ID(required=True)
        reason = ReportReasonEnum(required=True)
        note = graphene.String(default_value="")

    already_reported = graphene.Boolean()

    @classmethod
    def mutate(cls, root, info, post_id, reason, note=""):
        request = info.context
        if not request.user.is_authenticated:
            return errors.failed(cls, errors.unauthenticated())
        if not security.allow_mutation(request, "report_post"):
            return errors.failed(cls, security.rate_limited_error())
        post = (
            Post.objects.filter(pk=post_id, status=PostStatus.PUBLISHED, topic__status=PostStatus.PUBLISHED)
            .filter(topic__board__in=_boards())
            .first()
        )
        if post is None:
            return errors.failed(cls, errors.not_found("postId"))
        value = reason.value if hasattr(reason, "value") else reason
        try:
            _report, created = services.report_post(post, request.user, value, note[:500])
        except PermissionDenied:
            return errors.failed(cls, errors.error(_("You may not do this."), "forbidden"))
        return cls(ok=True, errors=[], already_reported=not created)


class ForumMutation(graphene.ObjectType):
    create_topic = CreateTopic.Field()
    reply = Reply.Field()
    report_post = ReportPost.Field()
