"""The mobile app at /app/ on a phone: feed, a case with its blocks, search, forum, offline reading."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.cms.factories import ImageFactory, WarningPhraseFactory, section, warning_case


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
    case.save_revision().publish()
    return case


def wait_for_worker(page):
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)


def test_reader_browses_searches_and_reads_offline(site, content, page, context, screenshot):
    page.goto(site.url + "/app/")
    expect(page.locator("#view")).to_contain_text("某县交通局原局长王某挪用公款吃喝问题")
    expect(page.locator(".tabs a[aria-current=page]")).to_have_text("⌂首页")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("app-home")

    page.locator("#view a", has_text="某县交通局原局长王某").first.click()
    expect(page).to_have_url(site.url + "/app" + content.url)
    expect(page.locator("#view blockquote")).to_contain_text("公款姓公")
    expect(page.locator("#view img[srcset]").first).to_be_visible()
    expect(page.locator("#view")).to_contain_text("莫伸手")
    expect(page.locator("#view .app-continue")).to_have_count(0)
    screenshot("app-page")

    page.locator(".tabs a", has_text="搜索").click()
    page.locator("#view input[type=search]").fill("公款")
    page.locator("#view input[type=search]").press("Enter")
    expect(page.locator("#view mark").first).to_have_text("公款")
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
