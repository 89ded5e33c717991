from forum.models import ForumBoardPage, ModerationMode, Post, PostReport, PostStatus, Topic
from tests.demo import demo_snapshot


@demo_snapshot
def _forum_snapshot():
    return {
        "boards": sorted(ForumBoardPage.objects.values_list("slug", "title", "moderation")),
        "topics": sorted(
            Topic.objects.values_list("board__slug", "title", "status", "pinned", "locked", "reply_count")
        ),
        "posts": sorted(Post.objects.values_list("topic__title", "author__username", "body", "status")),
        "reports": sorted(PostReport.objects.values_list("post__body", "reporter__username", "reason")),
    }


def test_the_demo_forum_is_loaded_once_with_work_for_the_moderators(client, demo):
    assert _forum_snapshot() == demo.first["_forum_snapshot"]

    boards = {board.title: board for board in ForumBoardPage.objects.all()}
    assert boards["廉政论坛"].moderation == ModerationMode.POST
    assert boards["意见建议"].moderation == ModerationMode.PRE
    assert 8 <= Topic.objects.count() <= 12
    for topic in Topic.objects.exclude(title="论坛发帖须知"):
        assert 2 <= topic.reply_count <= 5, topic.title
    assert Post.objects.filter(status=PostStatus.PENDING).count() == 1
    assert PostReport.objects.filter(resolved=False).values("post").distinct().count() == 1
    assert Topic.objects.filter(pinned=True).count() == 1

    page = client.get(boards["廉政论坛"].url).content.decode()
    assert "春节期间如何婉拒管理服务对象送的礼品？" in page
    authors = Post.objects.exclude(author__username="moderator").values_list("author", flat=True).distinct()
    assert all(not post.author.is_staff and post.author.cadre for post in Post.objects.filter(author__in=authors))
