"""A visitor without a session on cached public pages: the language menu and a case's follow-by-SMS form still work."""

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from tests.complaints.factories import file_complaint
from tests.directory.factories import DepartmentFactory


@pytest.fixture
def public_case(site):
    complaint = file_complaint(DepartmentFactory(name="市住建局"))
    Complaint.objects.filter(pk=complaint.pk).update(is_public=True, public_title="关于某局干部吃拿卡要的举报")
    return complaint


def test_a_visitor_follows_a_cached_case_by_sms(site, page, screenshot, public_case, settings):
    settings.PAGE_CACHE_SECONDS = 600
    for _ in range(2):  # the second visit is served from the cache
        page.goto(site.url + "/")
        expect(page.locator("h1")).to_have_text("让权力在阳光下运行")
    page.select_option("#lang-select", "en")
    expect(page.locator("h1")).to_have_text("Let power run in the sunlight")
    page.select_option("#lang-select", "zh-hans")
    expect(page.locator("h1")).to_have_text("让权力在阳光下运行")
    page.locator(".site-nav a", has_text="网络投诉").click()
    page.locator("a", has_text="关于某局干部吃拿卡要的举报").first.click()
    expect(page.locator("h1")).to_have_text("关于某局干部吃拿卡要的举报")
    page.locator("a.button", has_text="短信关注此案件").click()
    expect(page.locator("input[name=phone]")).to_be_visible()
    screenshot("complaint-case-follow")
