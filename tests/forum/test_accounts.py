import pytest

from tests.forum.factories import TopicFactory


@pytest.mark.django_db
def test_the_site_login_page_logs_in_and_returns_to_the_forum(client, board, user):
    topic = TopicFactory(board=board)
    response = client.post(topic.get_url(), {"body": "我想回复"})
    login_url = response["Location"]
    page = client.get(login_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="site-header"' in html and 'name="username"' in html and 'name="password"' in html

    response = client.post(login_url, {"username": "citizen", "password": "pw", "next": topic.get_url()})
    assert response.status_code == 302 and response["Location"] == topic.get_url()
    assert "张三" in client.get(topic.get_url()).content.decode()


@pytest.mark.django_db
def test_a_wrong_password_shows_an_error_in_chinese_and_keeps_the_username(client, home_page, user):
    response = client.post("/accounts/login/", {"username": "citizen", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200 and 'value="citizen"' in html
    assert "请输入一个正确的" in html  # Django's own zh_Hans message


@pytest.mark.django_db
def test_logout_is_a_post_and_returns_home(client, home_page, user):
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session
