import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.models import ForumBoardPage, Post, PostReport, PostStatus, ReportReason
from tests.forum.factories import PostFactory, TopicFactory, UserFactory, make_board


def _queries(client, url):
    client.get(url)  # warm Wagtail's site-root cache so both runs start equal
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _board_with_topics(n):
    board = make_board(f"版块{n}", slug=f"board-q{n}")
    for _ in range(n):
        TopicFactory(board=board)
    return board


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True])
def test_the_topic_list_takes_the_same_queries_for_5_or_50_topics(client, home_page, logged_in):
    if logged_in:
        client.force_login(UserFactory())
    few = _queries(client, _board_with_topics(5).url)
    many = _queries(client, _board_with_topics(50).url)
    assert few == many


def _topic_with_posts(board, n):
    topic = TopicFactory(board=board)
    for number in range(n):
        # Different authors and a few of the viewer-invisible states, as in a real thread.
        status = PostStatus.PENDING if number % 7 == 3 else PostStatus.PUBLISHED
        PostFactory(topic=topic, status=status)
    return topic


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True])
def test_the_post_list_takes_the_same_queries_for_5_or_50_posts(client, board, logged_in):
    if logged_in:
        client.force_login(UserFactory())
    few = _queries(client, _topic_with_posts(board, 5).get_url())
    many = _queries(client, _topic_with_posts(board, 50).get_url())
    assert few == many
    assert ForumBoardPage.objects.count() == 1


@pytest.mark.django_db
def test_the_moderation_queue_takes_the_same_queries_for_5_or_50_posts(client, board, moderator):
    client.force_login(moderator)

    def fill(n):
        Post.objects.all().delete()
        reporter = UserFactory()
        for _ in range(n):
            post = PostFactory(topic=TopicFactory(board=board), status=PostStatus.PENDING)
            PostReport.objects.create(post=post, reporter=reporter, reason=ReportReason.SPAM)

    fill(5)
    few = [_queries(client, f"/admin/forum/?show={tab}") for tab in ("pending", "reported", "topics")]
    fill(50)
    many = [_queries(client, f"/admin/forum/?show={tab}") for tab in ("pending", "reported", "topics")]
    assert few == many
