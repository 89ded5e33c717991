import pytest

from directory.roles import role_group
from forum import services
from forum.models import ModerationAction, Post, PostReport, PostStatus, ReportReason, Topic
from tests.forum.factories import PostFactory, TopicFactory, UserFactory

QUEUE = "/admin/forum/"


def _action_url(kind, pk, action):
    return f"{QUEUE}{kind}/{pk}/{action}/"


@pytest.fixture
def pending_reply(board, user):
    topic = TopicFactory(board=board)
    return PostFactory(topic=topic, author=user, body="等待审核的回复", status=PostStatus.PENDING)


@pytest.mark.django_db
def test_the_queue_lists_pending_and_reported_posts_for_a_moderator(english, moderator, pending_reply, board):
    reported = PostFactory(topic=TopicFactory(board=board), body="被举报的帖子")
    PostReport.objects.create(post=reported, reporter=UserFactory(), reason=ReportReason.SPAM, note="卖发票")
    english.force_login(moderator)
    home = english.get("/admin/").content.decode()
    assert "Forum moderation" in home and QUEUE in home

    pending = english.get(QUEUE).content.decode()
    assert "等待审核的回复" in pending and "被举报的帖子" not in pending
    reported_page = english.get(QUEUE, {"show": "reported"}).content.decode()
    assert "被举报的帖子" in reported_page and "卖发票" in reported_page
    assert "Topic" in english.get(QUEUE, {"show": "topics"}).content.decode()
    assert english.get(QUEUE, {"show": "history"}).status_code == 200


@pytest.mark.django_db
def test_approving_publishes_the_post_and_records_it(english, moderator, pending_reply):
    english.force_login(moderator)
    response = english.post(_action_url("posts", pending_reply.pk, "approve"))
    assert response.status_code == 302
    pending_reply.refresh_from_db()
    assert pending_reply.status == PostStatus.PUBLISHED
    assert Topic.objects.get(pk=pending_reply.topic_id).reply_count == 1
    action = ModerationAction.objects.get()
    assert (action.moderator, action.action, action.post, action.from_status, action.to_status) == (
        moderator,
        "approve",
        pending_reply,
        "pending",
        "published",
    )


@pytest.mark.django_db
def test_rejecting_needs_a_reason_which_the_author_then_sees(english, moderator, pending_reply, user):
    english.force_login(moderator)
    english.post(_action_url("posts", pending_reply.pk, "reject"), {"reason": "  "})
    pending_reply.refresh_from_db()
    assert pending_reply.status == PostStatus.PENDING and not ModerationAction.objects.exists()

    english.post(_action_url("posts", pending_reply.pk, "reject"), {"reason": "与主题无关"})
    pending_reply.refresh_from_db()
    assert pending_reply.status == PostStatus.REJECTED and pending_reply.rejection_reason == "与主题无关"
    assert ModerationAction.objects.get().reason == "与主题无关"
    english.force_login(user)
    assert "与主题无关" in english.get(pending_reply.topic.get_url()).content.decode()


@pytest.mark.django_db
def test_hiding_a_reported_post_resolves_its_reports(english, moderator, board):
    post = PostFactory(topic=TopicFactory(board=board))
    PostReport.objects.create(post=post, reporter=UserFactory(), reason=ReportReason.ABUSE)
    english.force_login(moderator)
    english.post(_action_url("posts", post.pk, "hide"))
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN
    assert not PostReport.objects.filter(resolved=False).exists()
    assert ModerationAction.objects.get().action == "hide"


@pytest.mark.django_db
def test_dismissing_reports_keeps_the_post(english, moderator, board):
    post = PostFactory(topic=TopicFactory(board=board))
    PostReport.objects.create(post=post, reporter=UserFactory(), reason=ReportReason.OTHER)
    english.force_login(moderator)
    english.post(_action_url("posts", post.pk, "dismiss"))
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED and not PostReport.objects.filter(resolved=False).exists()
    assert ModerationAction.objects.get().action == "dismiss_reports"


@pytest.mark.django_db
def test_approving_an_opening_post_publishes_the_topic(moderator, pre_board, user):
    outcome = services.create_topic(pre_board, user, "建议", "增加夜间窗口")
    assert outcome.topic.status == PostStatus.PENDING
    services.approve_post(outcome.post, by=moderator)
    outcome.topic.refresh_from_db()
    assert outcome.topic.status == PostStatus.PUBLISHED


@pytest.mark.django_db
def test_pinning_and_locking_are_recorded_and_change_the_board(english, moderator, board, user):
    topic = TopicFactory(board=board, title="公告")
    english.force_login(moderator)
    for action in ("pin", "lock", "unlock", "lock"):
        assert english.post(_action_url("topics", topic.pk, action)).status_code == 302
    topic.refresh_from_db()
    assert topic.pinned and topic.locked
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == [
        "pin",
        "lock",
        "unlock",
        "lock",
    ]
    english.post(_action_url("topics", topic.pk, "unpin"))
    assert not Topic.objects.get(pk=topic.pk).pinned
    english.force_login(user)
    response = english.post(topic.get_url(), {"body": "锁定后回复"})
    assert "This topic is locked" in response.content.decode()


@pytest.mark.django_db
def test_a_rejected_post_cannot_be_approved(moderator, pending_reply):
    services.reject_post(pending_reply, by=moderator, reason="广告")
    with pytest.raises(services.TransitionNotAllowed):
        services.approve_post(pending_reply, by=moderator)
    assert Post.objects.get(pk=pending_reply.pk).status == PostStatus.REJECTED
    assert ModerationAction.objects.count() == 1


@pytest.mark.django_db
def test_a_user_with_admin_access_but_no_moderation_permission_gets_403(english, pending_reply, board):
    editor = UserFactory(username="editor-user")
    editor.groups.add(role_group("editor"))
    english.force_login(editor)
    assert english.get(QUEUE).status_code == 403
    assert "Forum moderation" not in english.get("/admin/").content.decode()
    assert english.post(_action_url("posts", pending_reply.pk, "approve")).status_code == 403
    assert english.post(_action_url("topics", pending_reply.topic_id, "lock")).status_code == 403
    pending_reply.refresh_from_db()
    assert pending_reply.status == PostStatus.PENDING and not ModerationAction.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.hide_post(pending_reply, by=editor)


@pytest.mark.django_db
def test_a_cadre_without_admin_access_is_sent_to_the_admin_login(english, user, pending_reply):
    english.force_login(user)
    for url in ("/admin/", QUEUE):
        response = english.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = english.post(_action_url("posts", pending_reply.pk, "approve"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Post.objects.get(pk=pending_reply.pk).status == PostStatus.PENDING


@pytest.mark.django_db
def test_the_moderator_role_carries_the_moderation_permission():
    codenames = set(role_group("moderator").permissions.values_list("codename", flat=True))
    assert "moderate_forum" in codenames
