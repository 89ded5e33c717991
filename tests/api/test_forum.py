import pytest

from forum.models import ModerationMode, Post, PostStatus
from tests.forum.factories import PostFactory, TopicFactory, UserFactory, make_board

pytestmark = pytest.mark.django_db

CREATE = """mutation($b: ID!, $t: String!, $body: String!) { createTopic(boardId: $b, title: $t, body: $body) {
  ok published heldFor errors { field message code } topic { id title } post { id status } } }"""
REPLY = """mutation($t: ID!, $body: String!) { reply(topicId: $t, body: $body) {
  ok published errors { code } post { id } } }"""
REPORT = """mutation($p: ID!) { reportPost(postId: $p, reason: SPAM, note: "广告") {
  ok alreadyReported errors { code } } }"""


@pytest.fixture
def board(home_page):
    return make_board("廉政论坛", ModerationMode.POST, slug="lianzheng")


@pytest.fixture
def member(client):
    user = UserFactory(username="member", first_name="张三")
    client.force_login(user)
    return user


def test_anonymous_users_read_but_cannot_write(gql, board):
    topic = TopicFactory(board=board, title="公开话题")
    assert gql("{ boards { title } }")["data"]["boards"] == [{"title": "廉政论坛"}]
    listing = gql("query($id: ID!) { board(id: $id) { topics { title } } }", {"id": board.pk})["data"]["board"]
    assert listing["topics"] == [{"title": "公开话题"}]
    result = gql(CREATE, {"b": board.pk, "t": "标题", "body": "内容"})["data"]["createTopic"]
    assert result["errors"][0]["code"] == "UNAUTHENTICATED"
    assert gql(REPLY, {"t": topic.pk, "body": "回复"})["data"]["reply"]["errors"][0]["code"] == "UNAUTHENTICATED"


def test_create_topic_and_reply(gql, board, member):
    result = gql(CREATE, {"b": board.pk, "t": "学习心得", "body": "认真学习条例"})["data"]["createTopic"]
    assert result["ok"] and result["published"]
    topic_id = result["topic"]["id"]
    assert gql(REPLY, {"t": topic_id, "body": "说得好"})["data"]["reply"]["published"]
    posts = gql("query($id: ID!) { topic(id: $id) { posts { body isMine } } }", {"id": topic_id})["data"]["topic"]
    assert [post["body"] for post in posts["posts"]] == ["认真学习条例", "说得好"]


def test_sensitive_words_hold_the_post_and_only_the_author_sees_it(gql, board, member, client):
    from forum.sensitive import find_sensitive_words

    word = next(w for w in ("法轮功", "代开发票", "赌博") if find_sensitive_words("", w))
    result = gql(CREATE, {"b": board.pk, "t": "求助", "body": f"哪里可以{word}"})["data"]["createTopic"]
    assert result["ok"] and not result["published"] and result["heldFor"] == "sensitive"
    query = "query($id: ID!) { topic(id: $id) { posts { status } } }"
    assert gql(query, {"id": result["topic"]["id"]})["data"]["topic"]["posts"] == [{"status": "pending"}]
    client.logout()
    assert gql(query, {"id": result["topic"]["id"]})["data"]["topic"] is None


def test_author_sees_the_rejection_reason_others_do_not_see_the_post(gql, board, member, client):
    topic = TopicFactory(board=board)
    PostFactory(topic=topic, author=member, status=PostStatus.REJECTED, rejection_reason="离题")
    query = "query($id: ID!) { topic(id: $id) { posts { status rejectionReason } } }"
    posts = gql(query, {"id": topic.pk})["data"]["topic"]["posts"]
    assert {"status": "rejected", "rejectionReason": "离题"} in posts
    client.force_login(UserFactory(username="other"))
    posts = gql(query, {"id": topic.pk})["data"]["topic"]["posts"]
    assert all(post["status"] == "published" for post in posts)


def test_posting_rate_limit_is_a_typed_error(gql, board, member, settings):
    settings.FORUM_POSTS_PER_MINUTE = 2
    for i in range(2):
        assert gql(CREATE, {"b": board.pk, "t": f"话题{i}", "body": f"内容{i}"})["data"]["createTopic"]["ok"]
    result = gql(CREATE, {"b": board.pk, "t": "话题3", "body": "内容3"})["data"]["createTopic"]
    assert result["errors"][0]["code"] == "RATE_MINUTE"


def test_api_mutation_rate_limit(gql, board, member, settings):
    settings.GRAPHQL_MUTATIONS_PER_MINUTE_USER = 1
    topic = TopicFactory(board=board)
    post = Post.objects.filter(topic=topic).first()
    assert gql(REPORT, {"p": post.pk})["data"]["reportPost"]["ok"]
    assert gql(REPORT, {"p": post.pk})["data"]["reportPost"]["errors"][0]["code"] == "RATE_LIMITED"


def test_report_post(gql, board, member):
    topic = TopicFactory(board=board)
    post = Post.objects.filter(topic=topic).first()
    assert gql(REPORT, {"p": post.pk})["data"]["reportPost"] == {"ok": True, "alreadyReported": False, "errors": []}
    assert gql(REPORT, {"p": post.pk})["data"]["reportPost"]["alreadyReported"] is True
    assert post.reports.get().reason == "spam"
