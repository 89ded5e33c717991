from playwright.sync_api import expect

from forum.models import ModerationMode, Post
from tests.forum.factories import PostFactory, TopicFactory, UserFactory, make_board


def test_a_cadre_logs_in_on_a_phone_and_replies_to_a_topic(site, page, screenshot):
    board = make_board(
        "廉政论坛", ModerationMode.POST, slug="lianzheng", intro="交流学习体会、分享基层经验。请文明发言。"
    )
    UserFactory(username="cadre", first_name="王建国", password="secret-pass-1")
    author = UserFactory(username="township", first_name="李秀英")
    TopicFactory(board=board, title="论坛发帖须知", pinned=True, locked=True, author=author)
    topic = TopicFactory(
        board=board,
        title="春节期间如何婉拒管理服务对象送的礼品？",
        author=author,
        opening="快过年了，大家是怎么婉拒的？",
    )
    PostFactory(topic=topic, author=author, body="当面说明纪律要求：心意领了，东西不能收。")
    TopicFactory(board=board, title="学习中央八项规定精神的体会", author=author)

    page.goto(site.url + board.url)
    expect(page.locator("h1")).to_have_text("廉政论坛")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("forum_board")

    page.get_by_role("link", name="春节期间如何婉拒管理服务对象送的礼品？").click()
    page.locator(".forum-account a").click()  # 登录: the cadres' phone login, which links staff to the password one
    page.locator(".login-other a").click()
    page.fill("#id_username", "cadre")
    page.fill("#id_password", "secret-pass-1")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("春节期间如何婉拒")

    page.fill("#id_body", "实在退不回的，按规定登记上交。<script>alert(1)</script>")
    page.click("#reply button[type=submit]")
    expect(page.locator(".post-list .post")).to_have_count(3)
    expect(page.locator(".post-list .post").last).to_contain_text("<script>alert(1)</script>")
    assert Post.objects.filter(author__username="cadre").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("forum_topic")
