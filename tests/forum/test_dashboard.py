"""The moderator's work dashboard: posts waiting for moderation, oldest first, one click from the queue."""

from django.urls import reverse

from forum import dashboard
from forum.models import Post, PostStatus
from tests.forum.factories import TopicFactory


def test_a_moderator_sees_the_waiting_posts_oldest_first(board, moderator, user, client, django_assert_max_num_queries):
    first = TopicFactory(board=board, author=user, status=PostStatus.PENDING, title="第一帖")
    second = TopicFactory(board=board, author=user, status=PostStatus.PENDING, title="第二帖")
    TopicFactory(board=board, author=user, title="已发布")
    (panel,) = dashboard.panels_for(moderator)
    with django_assert_max_num_queries(3):
        items, summaries = panel.rows()
    assert [i.title.split(" · ")[0] for i in items] == ["第一帖", "第二帖"]
    post = Post.objects.get(topic=first)
    assert items[0].url == reverse("forum_moderation:queue") + f"?show=pending#post-{post.pk}"
    assert items[0].deadline is None and items[0].no_deadline
    assert summaries[0].count == 2
    assert second

    client.force_login(moderator)
    assert "第一帖" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_someone_who_does_not_moderate_sees_no_forum_panel(user):
    assert dashboard.panels_for(user) == []
