import pytest
from django.test import override_settings

from forum.models import HoldReason, Post, PostStatus, Topic
from tests.forum.factories import PostFactory, TopicFactory


def _body(response):
    return response.content.decode()


def _topic_url(topic):
    return topic.get_url()


@pytest.mark.django_db
def test_anonymous_visitors_read_but_are_sent_to_the_login_page_to_post(english, board):
    topic = TopicFactory(board=board, title="如何拒收礼品")
    assert "如何拒收礼品" in _body(english.get(board.url))
    assert "Log in" in _body(english.get(_topic_url(topic)))

    for url, data in [(board.url, {"title": "t", "body": "b"}), (_topic_url(topic), {"body": "b"})]:
        response = english.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert Topic.objects.count() == 1 and Post.objects.count() == 1


@pytest.mark.django_db
def test_on_a_post_moderated_board_a_topic_and_reply_are_public_at_once(english, board, user, other_user):
    english.force_login(user)
    response = english.post(board.url, {"title": "  春节如何婉拒礼金  ", "body": "请大家分享经验。"}, follow=True)
    assert "Your post is published." in _body(response)
    topic = Topic.objects.get()
    assert topic.title == "春节如何婉拒礼金" and topic.status == PostStatus.PUBLISHED

    english.force_login(other_user)
    response = english.post(_topic_url(topic), {"body": "直接说明纪律要求，当面退回。"})
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{Post.objects.last().pk}")
    english.logout()
    page = _body(english.get(_topic_url(topic)))
    assert "请大家分享经验。" in page and "直接说明纪律要求，当面退回。" in page
    topic.refresh_from_db()
    assert topic.reply_count == 1


@pytest.mark.django_db
def test_on_a_pre_moderated_board_only_the_author_sees_a_post_before_approval(english, pre_board, user, other_user):
    english.force_login(user)
    response = english.post(
        pre_board.url, {"title": "建议延长窗口服务时间", "body": "中午也能办事就好了。"}, follow=True
    )
    assert "Posts on this board appear after a moderator" in _body(response)
    topic = Topic.objects.get()
    assert topic.status == PostStatus.PENDING
    assert Post.objects.get().held_for == HoldReason.BOARD
    assert "中午也能办事就好了。" in _body(response)  # the author sees their own post
    assert "Awaiting review" in _body(response)

    english.force_login(other_user)
    assert "建议延长窗口服务时间" not in _body(english.get(pre_board.url))
    assert english.get(_topic_url(topic)).status_code == 404
    english.logout()
    assert english.get(_topic_url(topic)).status_code == 404


@pytest.mark.django_db
def test_a_reply_on_a_pre_moderated_board_waits_while_others_see_only_published_posts(
    english, pre_board, user, other_user
):
    topic = TopicFactory(board=pre_board, author=other_user)
    english.force_login(user)
    english.post(_topic_url(topic), {"body": "我的待审回复"})
    assert Post.objects.filter(body="我的待审回复", status=PostStatus.PENDING).exists()
    assert "我的待审回复" in _body(english.get(_topic_url(topic)))
    english.force_login(other_user)
    assert "我的待审回复" not in _body(english.get(_topic_url(topic)))
    topic.refresh_from_db()
    assert topic.reply_count == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["专业代开发票，联系我", "代 开 发 票 联系我", "加Ｖ详聊，日 赚 千 元"])
def test_a_sensitive_word_holds_a_post_even_on_a_post_moderated_board(english, board, user, other_user, body):
    english.force_login(user)
    response = english.post(board.url, {"title": "求助", "body": body}, follow=True)
    assert "a moderator must check first" in _body(response)
    post = Post.objects.get()
    assert post.status == PostStatus.PENDING and post.held_for == HoldReason.SENSITIVE and post.flagged_words
    english.force_login(other_user)
    assert "求助" not in _body(english.get(board.url))


@pytest.mark.django_db
def test_a_sensitive_word_in_the_title_holds_the_topic(english, board, user):
    english.force_login(user)
    english.post(board.url, {"title": "兼职刷单", "body": "详情私聊"})
    assert Topic.objects.get().status == PostStatus.PENDING


@pytest.mark.django_db
def test_script_tags_are_shown_as_text_never_run(english, board, user):
    english.force_login(user)
    english.post(
        board.url, {"title": "<script>alert('t')</script>", "body": "<script>alert('b')</script>\n<b>粗体</b>"}
    )
    topic = Topic.objects.get()
    for page in (_body(english.get(board.url)), _body(english.get(_topic_url(topic)))):
        assert "<script>alert(" not in page
        assert "&lt;script&gt;alert(" in page
    assert "&lt;b&gt;粗体&lt;/b&gt;" in _body(english.get(_topic_url(topic)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "   ", "body": "我写了很长的一段正文"}, "title", "Give your topic a title."),
        ({"title": "题" * 81, "body": "我写了很长的一段正文"}, "title", "at most 80 characters"),
        ({"title": "一个好标题", "body": ""}, "body", "Write something before sending."),
        ({"title": "一个好标题", "body": "长" * 5001}, "body", "at most 5000 characters"),
    ],
)
def test_a_rejected_topic_shows_the_error_by_the_field_and_keeps_what_was_typed(
    english, board, user, data, field, message
):
    english.force_login(user)
    response = english.post(board.url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = _body(response)
    assert message in page
    for value in data.values():
        if value.strip():
            assert value in page  # the input comes back as the user typed it
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_the_errors_are_in_chinese_by_default(client, board, user):
    client.force_login(user)
    response = client.post(board.url, {"title": "", "body": "长" * 5001})
    assert "确保该变量包含不超过 5000 字符" in _body(response)  # Django's own catalogue


@pytest.mark.django_db
def test_the_same_text_twice_within_ten_minutes_is_a_flood(english, board, user):
    topic = TopicFactory(board=board)
    english.force_login(user)
    english.post(_topic_url(topic), {"body": "同样的话"})
    response = english.post(_topic_url(topic), {"body": "同样的话"})
    assert response.status_code == 200
    assert "You posted the same text a moment ago" in _body(response)
    assert "同样的话</textarea>" in _body(response)
    assert Post.objects.filter(body="同样的话").count() == 1


@pytest.mark.django_db
@override_settings(FORUM_POSTS_PER_MINUTE=3, FORUM_POSTS_PER_DAY=100)
def test_too_many_posts_a_minute_are_refused_with_the_text_kept(english, board, user):
    topic = TopicFactory(board=board)
    english.force_login(user)
    for number in range(3):
        assert english.post(_topic_url(topic), {"body": f"第{number}条"}).status_code == 302
    response = english.post(_topic_url(topic), {"body": "第四条，我还想说"})
    assert response.status_code == 200
    assert "at most 3 times a minute" in _body(response)
    assert "第四条，我还想说</textarea>" in _body(response)
    assert Post.objects.filter(author=user).count() == 3


@pytest.mark.django_db
@override_settings(FORUM_POSTS_PER_MINUTE=100, FORUM_POSTS_PER_DAY=2)
def test_the_daily_limit_counts_topics_and_replies(english, board, user):
    english.force_login(user)
    english.post(board.url, {"title": "一", "body": "一"})
    english.post(_topic_url(Topic.objects.get()), {"body": "二"})
    response = english.post(board.url, {"title": "三", "body": "三"})
    assert "at most 2 times a day" in _body(response)
    assert Topic.objects.count() == 1


@pytest.mark.django_db
def test_a_locked_topic_refuses_replies(english, board, user):
    topic = TopicFactory(board=board, locked=True)
    english.force_login(user)
    page = _body(english.get(_topic_url(topic)))
    assert "This topic is locked" in page and 'name="body"' not in page
    response = english.post(_topic_url(topic), {"body": "还能回复吗"})
    assert response.status_code == 200 and "This topic is locked" in _body(response)
    assert not Post.objects.filter(body="还能回复吗").exists()


@pytest.mark.django_db
def test_the_author_sees_why_their_post_was_rejected_and_others_see_nothing(english, board, user, other_user):
    topic = TopicFactory(board=board, author=other_user)
    PostFactory(
        topic=topic, author=user, body="被驳回的回复", status=PostStatus.REJECTED, rejection_reason="含人身攻击"
    )
    english.force_login(user)
    page = _body(english.get(_topic_url(topic)))
    assert "被驳回的回复" in page and "含人身攻击" in page and "Rejected by a moderator." in page
    english.force_login(other_user)
    page = _body(english.get(_topic_url(topic)))
    assert "被驳回的回复" not in page and "含人身攻击" not in page


@pytest.mark.django_db
def test_the_board_lists_pinned_topics_first_then_by_last_activity_20_a_page(english, board):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for number in range(22):
        TopicFactory(board=board, title=f"话题{number:02d}", last_activity_at=now - timedelta(minutes=number))
    TopicFactory(board=board, title="置顶公告", pinned=True, last_activity_at=now - timedelta(days=30))
    TopicFactory(board=board, title="待审话题", status=PostStatus.PENDING)
    first = english.get(board.url)
    titles = [topic.title for topic in first.context["topics"]]
    assert titles[:3] == ["置顶公告", "话题00", "话题01"] and len(titles) == 20
    second = english.get(board.url, {"page": 2})
    assert [topic.title for topic in second.context["topics"]] == ["话题19", "话题20", "话题21"]
    assert "待审话题" not in _body(first) + _body(second)
