"""The mobile app at /app/ on a phone: feed, a case with its blocks, search, forum, offline reading."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.cms.factories import ImageFactory, WarningPhraseFactory, publish_reviewed, section, warning_case


@pytest.fixture
def content(site):
    from cms.services import ensure_home_page

    home = ensure_home_page()
    WarningPhraseFactory(text="清风正气，廉洁从政")
    cases = section(home)
    case = warning_case(
        cases,
        "某县交通局原局长王某挪用公款吃喝问题",
        body=["2023年至2024年，王某多次在私人会所挪用公款吃喝，并违规收受礼品礼金。"],
        date=datetime.date(2024, 9, 12),
    )
    case.body = [
        ("paragraph", "<p>王某多次挪用公款吃喝，造成恶劣影响。</p>"),
        ("image", {"image": ImageFactory(), "caption": "涉案会所"}),
        ("quote", {"text": "公款姓公，一分一厘都不能乱花。", "source": "办案人员"}),
        ("callout", {"tone": "warning", "title": "警示", "text": "<p>莫伸手，伸手必被捉。</p>"}),
    ]
    publish_reviewed(case)
    return case


def wait_for_worker(page):
    wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def test_reader_browses_searches_and_reads_offline(site, content, page, context, screenshot):
    page.goto(site.url + "/app/")
    expect(page.locator("#view")).to_contain_text("某县交通局原局长王某挪用公款吃喝问题")
    expect(page.locator("#view .phrase")).to_contain_text("每日警语")  # the app's own feed, from GraphQL `home`
    expect(page.locator(".tabs a[aria-current=page]")).to_have_text("⌂首页")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("app-home")

    page.locator("#view a", has_text="某县交通局原局长王某").first.click()
    expect(page).to_have_url(site.url + "/app" + content.url)
    expect(page.locator("#view [data-source=api]")).to_be_visible()  # rendered from grapple's `page(urlPath:)`
    expect(page.locator("#view blockquote")).to_contain_text("公款姓公")
    expect(page.locator("#view img[srcset]").first).to_be_visible()
    loaded = "(() => { const i = document.querySelector('#view img[srcset]'); return i.complete && i.naturalWidth })()"
    wait_until(page, loaded)
    expect(page.locator("#view .facts")).to_contain_text("开除党籍")
    expect(page.locator("#view")).to_contain_text("莫伸手")
    expect(page.locator("#view .app-continue")).to_have_count(0)
    screenshot("app-page")

    page.locator(".tabs a", has_text="搜索").click()
    page.locator("#view input[type=search]").fill("公款")
    page.locator("#view input[type=search]").press("Enter")
    expect(page.locator("#view mark").first).to_have_text("公款")
    expect(page.locator("#view")).to_contain_text("找到 1 条结果")  # GraphQL `search`, not the site's page
    screenshot("app-search")

    # The article was read once online: offline, the service worker gives it back with the banner shown.
    wait_for_worker(page)
    page.goto(site.url + "/app" + content.url)  # a read under the worker's control, so it is kept
    expect(page.locator("#view blockquote")).to_contain_text("公款姓公")
    context.set_offline(True)
    page.goto(site.url + "/app/")
    page.goto(site.url + "/app" + content.url)
    expect(page.locator("#view blockquote")).to_contain_text("公款姓公")
    expect(page.locator("#offline")).to_be_visible()
    screenshot("app-offline")
    context.set_offline(False)


def test_language_switch_is_remembered(site, content, page):
    page.goto(site.url + "/app/")
    page.locator("#lang").click()
    expect(page.locator(".tabs")).to_contain_text("Search")
    page.reload()
    expect(page.locator(".tabs")).to_contain_text("Forum")
    page.locator("#lang").click()
    expect(page.locator(".tabs")).to_contain_text("论坛")


def log_in(context, site, user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site.url}])


def test_cadre_replies_in_the_forum_and_an_offline_reply_waits_then_sends(site, page, context, screenshot):
    from forum.models import ModerationMode, Post, PostReport
    from tests.forum.factories import PostFactory, TopicFactory, UserFactory, make_board

    board = make_board("廉政论坛", ModerationMode.POST, slug="lianzheng", intro="交流学习体会、分享基层经验。")
    cadre = UserFactory(username="cadre", first_name="王建国")
    author = UserFactory(username="township", first_name="李秀英")
    topic = TopicFactory(board=board, title="春节期间如何婉拒礼品？", author=author, opening="大家是怎么婉拒的？")
    PostFactory(topic=topic, author=author, body="当面说明纪律要求：心意领了，东西不能收。")
    log_in(context, site, cadre)

    page.goto(site.url + "/app/forum")
    page.locator("#view a", has_text="廉政论坛").click()
    expect(page.locator("#view h1")).to_have_text("廉政论坛")
    page.locator("#view a", has_text="春节期间如何婉拒礼品？").click()
    expect(page.locator("#view .post")).to_have_count(2)
    page.fill("#reply-body", "实在退不回的，按规定登记上交。")
    page.click("#reply button[type=submit]")
    expect(page.locator("#view .post")).to_have_count(3)
    assert Post.objects.filter(author=cadre).count() == 1

    page.locator("#view .post").nth(1).locator("summary").click()
    page.locator("#view .post").nth(1).locator("select").select_option("SPAM")
    page.locator("#view .post").nth(1).locator("form button").click()
    expect(page.locator("#view .post").nth(1)).to_contain_text("已举报")
    assert PostReport.objects.filter(reporter=cadre).count() == 1
    screenshot("app-forum")

    wait_for_worker(page)
    context.set_offline(True)
    page.fill("#reply-body", "离线时写的回复，联网后发送。")
    page.click("#reply button[type=submit]")
    expect(page.locator("#view .pending-post")).to_contain_text("离线时写的回复")
    expect(page.locator("#outbox")).to_contain_text("1 条内容等待发送")
    assert Post.objects.filter(author=cadre).count() == 1
    context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden()
    expect(page.locator("#view .post")).to_have_count(4)
    expect(page.locator("#view .pending-post")).to_have_count(0)
    assert Post.objects.filter(author=cadre).count() == 2


def test_cadre_logs_in_with_a_phone_code_and_sees_me_and_sms_switch(site, content, page, screenshot):
    import re

    from directory.models import Cadre
    from sms.gateways.console import GatewayBackend as Console
    from tests.directory.factories import CadreFactory

    cadre = CadreFactory(name="王建国", phone="+8613800138000", post="科员")
    Console.outbox.clear()
    page.goto(site.url + "/app" + content.url)
    expect(page.locator("#view h1")).to_contain_text("王某")
    page.locator(".tabs a", has_text="我的").click()
    expect(page).to_have_url(site.url + "/app/login")
    expect(page.locator("#code-form")).to_be_hidden()
    page.fill("#phone", "13800138000")
    page.click("#phone-form button")
    expect(page.locator("#code-form")).to_be_visible()
    screenshot("app-login")
    body = next(body for to, body in Console.outbox if to == "+8613800138000")
    page.fill("#code", re.search(r"\d{6}", body).group())
    page.click("#code-form button")
    expect(page).to_have_url(site.url + "/app/me")
    expect(page.locator("#view h1")).to_have_text("王建国")
    # The reading history (the study record below it is a list too).
    expect(page.locator("#view ul.plain:not(.study-days)")).to_contain_text("某县交通局原局长王某挪用公款吃喝问题")
    sms = page.locator("#sms")
    expect(sms).to_be_visible()
    was = sms.is_checked()
    sms.click()
    wait_until(page, f"document.querySelector('#sms').checked === {str(not was).lower()}")
    page.wait_for_timeout(500)
    cadre.refresh_from_db()
    assert Cadre.objects.get(pk=cadre.pk).sms_opt_in is (not was)
    screenshot("app-me")


def test_policy_explainer_shows_its_questions_and_citation(site, page):
    from cms.services import ensure_home_page
    from tests.cms.factories import PolicyExplainerPageFactory, RegulationFactory

    home = ensure_home_page()
    regulation = RegulationFactory(title="中国共产党纪律处分条例")
    explainer = PolicyExplainerPageFactory(
        parent=section(home, title="政策解读", kind="policy"),
        title="八项规定精神解读",
        body=[
            (
                "citation",
                {"regulation": regulation, "name": "", "article": "第九十八条", "text": "违反有关规定接受宴请的"},
            )
        ],
    )
    page.goto(site.url + "/app" + explainer.url)
    expect(page.locator("#view [data-source=api]")).to_be_visible()
    expect(page.locator("#view details.qa")).to_contain_text("可以接受管理服务对象宴请吗？")
    expect(page.locator("#view .citation")).to_contain_text("第九十八条")
    expect(page.locator("#view .facts")).to_contain_text("第一条至第八条")


def test_a_section_lists_its_pages_from_the_api_with_pages_at_320_px(site, page):
    from cms.services import ensure_home_page

    home = ensure_home_page()
    cases = section(home, title="警示案例")
    for day in range(1, 13):
        warning_case(cases, f"第{day}号警示案例", date=datetime.date(2026, 1, day))
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(site.url + "/app" + cases.url)
    expect(page.locator("#view .section-head h1")).to_have_text("警示案例")  # the app's own view, from `section`
    expect(page.locator("#view .cards li")).to_have_count(10)
    expect(page.locator("#view .cards li").first).to_contain_text("第12号警示案例")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.locator("#view a", has_text="下一页").click()
    expect(page.locator("#view .cards li")).to_have_count(2)
    expect(page.locator("#view")).to_contain_text("2 / 2")


def test_a_slow_screen_does_not_cover_the_one_opened_after_it(site, content, page):
    page.goto(site.url + "/app/")
    expect(page.locator("#view")).to_contain_text("某县交通局原局长王某挪用公款吃喝问题")

    def slow(route):
        page.wait_for_timeout(1500)  # a weak rural network
        route.continue_()

    page.route("**/graphql/**", slow)
    page.locator("#view a", has_text="某县交通局原局长王某").first.click()
    page.locator(".tabs a", has_text="搜索").click()
    expect(page.locator("#view input[type=search]")).to_be_visible()
    page.wait_for_timeout(2500)  # the case's answer has arrived and its view has finished by now
    expect(page).to_have_url(site.url + "/app/search")
    expect(page.locator("#view input[type=search]")).to_be_visible()
    expect(page.locator("#view blockquote")).to_have_count(0)
