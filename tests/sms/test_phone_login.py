"""The website's phone login: a registered cadre logs in with the number on file and a texted code, as in the app."""

import re

import pytest

from sms.gateways.console import GatewayBackend as Console
from sms.models import OneTimeCode
from tests.directory.factories import CadreFactory
from tests.forum.factories import TopicFactory, make_board

pytestmark = pytest.mark.django_db

URL = "/accounts/phone/"


def _code():
    return re.search(r"\d{6}", Console.outbox[-1][1]).group()


@pytest.fixture
def board(home_page):
    from forum.models import ModerationMode

    return make_board("廉政论坛", ModerationMode.POST, slug="lianzheng")


def test_the_forum_login_link_leads_to_the_phone_login_and_back_to_the_topic(client, board):
    cadre = CadreFactory(phone="+8613800138010", name="王五")
    topic = TopicFactory(board=board)
    forum_html = client.get(topic.get_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    login_url = re.search(r'href="(/accounts/phone/\?next=[^"]+)"', forum_html).group(1)
    page = client.get(login_url.replace("&amp;", "&")).content.decode()
    assert "手机号登录" in page and "登记的手机号" in page and 'name="code"' not in page

    sent = client.post(login_url, {"phone": "13800138010", "action": "request", "next": topic.get_url()})
    assert sent.status_code == 200 and 'name="code"' in sent.content.decode()
    response = client.post(
        login_url, {"phone": "13800138010", "code": _code(), "action": "verify", "next": topic.get_url()}
    )
    assert response.status_code == 302 and response["Location"] == topic.get_url()
    cadre.refresh_from_db()
    assert client.session["_auth_user_id"] == str(cadre.user.pk)
    assert "王五" in client.get(topic.get_url()).content.decode()


def test_a_wrong_code_is_refused_in_chinese_and_counts_as_an_attempt(client, home_page):
    CadreFactory(phone="+8613800138011")
    client.post(URL, {"phone": "13800138011", "action": "request"})
    right = _code()
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(URL, {"phone": "13800138011", "code": wrong, "action": "verify"})
    html = response.content.decode()
    assert response.status_code == 200 and "验证码错误" in html and 'name="code"' in html
    assert "_auth_user_id" not in client.session
    assert OneTimeCode.objects.get(phone="+8613800138011").attempts == 1


def test_a_citizen_logs_in_without_an_account_and_lands_on_my_cases(client, home_page):
    from django.contrib.auth import get_user_model

    response = client.post(URL, {"phone": "13900139000", "action": "request"})
    assert response.status_code == 200 and 'name="code"' in response.content.decode()
    assert [body for to, body in Console.outbox if to == "+8613900139000"]
    users = get_user_model().objects.count()
    response = client.post(URL, {"phone": "13900139000", "code": _code(), "action": "verify"})
    assert response.status_code == 302 and response["Location"] == "/mine/"
    assert "_auth_user_id" not in client.session and get_user_model().objects.count() == users
    assert client.session["citizen_phone"] == "+8613900139000"
    assert "我的办件" in client.get("/mine/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_an_invalid_number_and_an_empty_code_are_explained(client, home_page):
    bad = client.post(URL, {"phone": "12345", "action": "request"}).content.decode()
    assert "手机号" in bad and 'name="code"' not in bad
    empty = client.post(URL, {"phone": "13800138012", "code": "", "action": "verify"}).content.decode()
    assert "请输入短信中的验证码" in empty


def test_next_is_kept_on_this_site_only(client, home_page):
    CadreFactory(phone="+8613800138013")
    client.post(URL, {"phone": "13800138013", "action": "request"})
    response = client.post(
        URL, {"phone": "13800138013", "code": _code(), "action": "verify", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_password_login_stays_for_staff_and_points_cadres_to_the_phone_login(client, home_page):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="password"' in html and 'href="/accounts/phone/' in html
