"""Four eyes in the admin: the editor can only submit a warning case; a reviewer approves and publishes."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cms.models import SectionPage, WarningCasePage
from directory.roles import role_group
from tests.browser.conftest import wait_until
from tests.cms.factories import SectionPageFactory

DESKTOP = {"width": 1366, "height": 900}
PASSWORD = "pw-清风-2026"
TITLE = "某县水利局原局长赵某违规收受礼金问题"


@pytest.fixture
def people(site, django_user_model):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page
    SectionPageFactory(parent=home, title="警示案例", slug="cases", kind=SectionPage.Kind.WARNING_CASES)
    for username, role in (("editor", "editor"), ("reviewer", "reviewer")):
        user = django_user_model.objects.create_user(username, password=PASSWORD, first_name=username)
        user.groups.add(role_group(role))


def _admin(browser, site, username):
    """A desktop browser of its own, logged in to the admin: the journey's only typed URL is the login page."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1").first).to_be_visible()
    return page


def test_an_editor_submits_a_case_and_the_reviewer_approves_and_publishes_it(site, people, browser):
    page = _admin(browser, site, "editor")
    page.get_by_role("button", name="页面", exact=True).click()  # Wagtail's own Chinese for "Pages"
    page.locator(".c-page-explorer__item__link", has_text="警示案例").click()
    _shot(page, "review-1-listing")
    page.get_by_role("link", name="添加子页面").first.click()
    page.locator("a[href*='/add/cms/warningcasepage/']").click()
    page.fill("#id_title", TITLE)
    page.fill("#id_official", "某县水利局原局长 赵某")
    page.select_option("#id_official_level", "division")
    page.fill("#id_official_post", "某县水利局局长")
    page.fill("#id_decided_on", "2026-05-20")
    page.locator("#id_decided_on").press("Tab")
    # Wagtail's date picker may stay open over the footer's buttons (it did in CI): the date is typed, so close it.
    page.evaluate("document.querySelectorAll('.xdsoft_datetimepicker').forEach((e) => { e.style.display = 'none'; })")
    wait_until(
        page,
        "![...document.querySelectorAll('.xdsoft_datetimepicker')].some((e) => getComputedStyle(e).display !== 'none')",
    )
    page.fill("#id_discipline", "党内严重警告、政务撤职处分")
    page.fill("#id_summary", "赵某在工程验收中收受施工方礼金，受到严肃处理。")
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    expect(page.get_by_role("button", name="提交给审核发布")).to_be_visible()
    expect(page.locator("button[name=action-publish]")).to_have_count(0)  # no 发布 for a warning case
    _shot(page, "review-1-editor-create")
    page.get_by_role("button", name="提交给审核发布").click()
    expect(page.locator(".messages")).to_contain_text("已创建并提交审核")
    _shot(page, "review-2-editor-submitted")
    case = WarningCasePage.objects.get(title=TITLE)
    assert not case.live and case.current_workflow_state.requested_by.username == "editor"

    page = _admin(browser, site, "reviewer")
    ours = page.locator("[data-work-panel=cms-to-review]")  # 待我审核的页面, our one review panel on the dashboard
    expect(ours.locator("a", has_text=TITLE)).to_be_visible()
    expect(page.get_by_text("等待你的审查")).to_have_count(0)  # Wagtail's duplicate panel is gone
    expect(page.locator("a", has_text=TITLE)).to_have_count(1)
    _shot(page, "review-3-reviewer-dashboard")
    ours.locator("a", has_text=TITLE).click()
    expect(page.locator("#id_title")).to_have_value(TITLE)
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    _shot(page, "review-4-reviewer-editor")
    page.get_by_role("button", name=re.compile(r"^批准\s*和发布$")).click()  # Wagtail's words for "Approve and Publish"
    expect(page.locator("tr", has_text=TITLE)).to_contain_text("在用")  # Wagtail's "live"
    _shot(page, "review-5-reviewer-published")
    case.refresh_from_db()
    assert case.live
    assert case.live_revision is not None


def _shot(page, name):
    directory = Path(os.environ.get("SCREENSHOT_DIR", ".screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=False)
