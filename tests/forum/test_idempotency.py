import json
import uuid

import pytest

from forum.models import Post, Topic
from tests.forum.test_posting import _topic_url

pytestmark = pytest.mark.django_db

CREATE = """mutation($b: ID!, $k: String) { createTopic(boardId: $b, title: "学习心得", body: "认真学习条例",
  idempotencyKey: $k) { ok topic { id } post { id } } }"""
REPLY = """mutation($t: ID!) { reply(topicId: $t, body: "说得好") { ok post { id } } }"""


def test_a_resent_topic_and_reply_are_posted_once_and_lead_to_the_first_post(client, board, user):
    client.force_login(user)
    assert 'name="idempotency_key"' in client.get(board.url).content.decode()
    topic_form = {"title": "春节如何婉拒礼金", "body": "请大家分享经验。", "idempotency_key": uuid.uuid4().hex}
    first, again = client.post(board.url, topic_form), client.post(board.url, topic_form)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    topic = Topic.objects.get()
    reply_form = {"body": "直接说明纪律要求，当面退回。", "idempotency_key": uuid.uuid4().hex}
    first, again = client.post(_topic_url(topic), reply_form), client.post(_topic_url(topic), reply_form)
    assert first["Location"] == again["Location"] and first["Location"].endswith(f"#post-{Post.objects.last().pk}")
    assert Post.objects.count() == 2
    topic.refresh_from_db()
    assert topic.reply_count == 1


def test_the_same_key_from_another_user_is_their_own_submission(client, board, user, other_user):
    form = {"title": "春节如何婉拒礼金", "body": "请大家分享经验。", "idempotency_key": uuid.uuid4().hex}
    client.force_login(user)
    client.post(board.url, form)
    client.force_login(other_user)
    client.post(board.url, form)
    assert set(Topic.objects.values_list("author", flat=True)) == {user.pk, other_user.pk}


def _gql(client, query, variables, **headers):
    body = json.dumps({"query": query, "variables": variables})
    return client.post("/graphql/", body, content_type="application/json", **headers).json()["data"]


def test_the_app_resends_topic_and_reply_mutations_with_the_same_key(client, board, user):
    client.force_login(user)
    key = uuid.uuid4().hex
    first = _gql(client, CREATE, {"b": board.pk, "k": key})["createTopic"]
    assert _gql(client, CREATE, {"b": board.pk, "k": key})["createTopic"] == first and first["ok"]
    header = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}
    reply = _gql(client, REPLY, {"t": first["topic"]["id"]}, **header)["reply"]
    assert _gql(client, REPLY, {"t": first["topic"]["id"]}, **header)["reply"] == reply and reply["ok"]
    assert Topic.objects.count() == 1 and Post.objects.count() == 2
