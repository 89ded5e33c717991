"""Read-only queries of the forum for its views and the API: what a user may see of boards, topics and posts."""

from django.db.models import Q, QuerySet

from forum import services
from forum.models import ForumBoardPage, Post, PostStatus, Topic

# A board lists this many topics a page, on the site and in the API.
TOPICS_PER_PAGE = 20


def boards() -> QuerySet:
    return ForumBoardPage.objects.live().public()


def board(pk) -> ForumBoardPage | None:
    return boards().filter(pk=pk).first()


def board_topics(board: ForumBoardPage) -> QuerySet:
    """A board's published topics with their authors: pinned first, then by latest activity."""
    return (
        Topic.objects.filter(board=board, status=PostStatus.PUBLISHED)
        .select_related("author")
        .order_by("-pinned", "-last_activity_at", "-pk")
    )


def visible_topic(pk, user) -> Topic | None:
    """A published topic, or the author's own waiting one, or any for a moderator (as the web view decides)."""
    topic = Topic.objects.select_related("author", "board").filter(pk=pk, board__in=boards()).first()
    if topic is None or topic.is_visible:
        return topic
    if (user.is_authenticated and topic.author_id == user.pk) or services.can_moderate(user):
        return topic
    return None


def topic_posts(topic: Topic, user) -> QuerySet:
    """The topic's published posts, and the user's own waiting or rejected ones (to see why), oldest first."""
    visible = Q(status=PostStatus.PUBLISHED)
    if user.is_authenticated:
        visible |= Q(author=user)
    return topic.posts.filter(visible).select_related("author").order_by("created_at", "pk")


def reportable_post(pk) -> Post | None:
    """A published post of a published topic on a live board: the only kind anyone may report."""
    return (
        Post.objects.filter(pk=pk, status=PostStatus.PUBLISHED, topic__status=PostStatus.PUBLISHED)
        .filter(topic__board__in=boards())
        .first()
    )
