import graphene
from django.core.exceptions import PermissionDenied, ValidationError

from api.core import errors, security
from api.core.idempotency import idempotency_key_argument
from api.core.types import enum_value
from api.forum.types import ForumPost, ForumResult, ForumTopic, ReportReasonEnum
from core import idempotency
from forum import selectors, services


class PostingResult(ForumResult):
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
        return errors.failed(cls, errors.permission_denied())
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
        idempotency_key = idempotency_key_argument()

    @classmethod
    def mutate(cls, root, info, board_id, title, body, idempotency_key=""):
        key = idempotency.key_from(info.context, idempotency_key)

        def action(user):
            board = selectors.board(board_id)
            return board and services.create_topic(board, user, title, body, idempotency_key=key)

        return _posting(cls, info, "create_topic", action)


class Reply(PostingResult, graphene.Mutation):
    class Arguments:
        topic_id = graphene.ID(required=True)
        body = graphene.String(required=True)
        idempotency_key = idempotency_key_argument()

    @classmethod
    def mutate(cls, root, info, topic_id, body, idempotency_key=""):
        key = idempotency.key_from(info.context, idempotency_key)

        def action(user):
            topic = selectors.visible_topic(topic_id, user)
            return topic and services.reply(topic, user, body, idempotency_key=key)

        return _posting(cls, info, "reply", action)


class ReportPost(ForumResult, graphene.Mutation):
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
        post = selectors.reportable_post(post_id)
        if post is None:
            return errors.failed(cls, errors.not_found("postId"))
        try:
            _report, created = services.report_post(post, request.user, enum_value(reason), note[:500])
        except PermissionDenied:
            return errors.failed(cls, errors.permission_denied())
        return cls(ok=True, errors=[], already_reported=not created)


class ForumMutation(graphene.ObjectType):
    create_topic = CreateTopic.Field()
    reply = Reply.Field()
    report_post = ReportPost.Field()
