import graphene
from django.core.paginator import Paginator

from api.core.pagination import clamp_page_size, page_of
from api.forum.types import Board, BoardListing, TopicListing
from forum import selectors


class ForumQuery(graphene.ObjectType):
    boards = graphene.List(graphene.NonNull(Board), required=True)
    board = graphene.Field(BoardListing, id=graphene.ID(required=True), page=graphene.Int(default_value=1))
    topic = graphene.Field(
        TopicListing, id=graphene.ID(required=True), page=graphene.Int(default_value=1), page_size=graphene.Int()
    )

    @staticmethod
    def resolve_boards(root, info):
        return list(selectors.boards().order_by("path"))

    @staticmethod
    def resolve_board(root, info, id, page=1):
        board = selectors.board(id)
        if board is None:
            return None
        items, page_info = page_of(Paginator(selectors.board_topics(board), selectors.TOPICS_PER_PAGE), page)
        return BoardListing(board=board, topics=items, page_info=page_info)

    @staticmethod
    def resolve_topic(root, info, id, page=1, page_size=None):
        user = info.context.user
        topic = selectors.visible_topic(id, user)
        if topic is None:
            return None
        posts = selectors.topic_posts(topic, user)
        items, page_info = page_of(Paginator(posts, clamp_page_size(page_size)), page)
        return TopicListing(
            topic=topic,
            board=topic.board,
            posts=items,
            page_info=page_info,
            can_reply=topic.is_visible and not topic.locked,
        )
