"""Issue 21 journeys at 390x844, in Chinese, from the home page by clicking: the applicant rates a finished step on
the tracking page (好差评), and anyone opens the public performance page (阳光政务)."""

import re

import pytest
from playwright.sync_api import expect

from tests.approvals.conftest import _media, city, item, make_staff, staff, submit  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reviewed(site, submit, staff):  # noqa: F811
    from approvals import services

    submission = submit()
    app = services.accept_application(submission.application, by=staff.window)
    review = app.steps.get(order=1)
    services.decide_step(review, by=staff.sjj, approve=True, opinion="符合条件", legal_basis="食品安全法第35条")
    return app, submission.code


def test_rate_a_step_from_the_tracking_page(site, reviewed, page, screenshot):
    from approvals.models import Rating
    from supervision.models import Finding

    app, code = reviewed
    page.goto(site.url + "/")
    page.locator("a.platform.approval").click()
    page.get_by_role("link", name="办件查询").first.click()
    page.get_by_label("受理编号").fill(app.tracking_number)
    page.get_by_label("查询密码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="评价我们的服务")).to_be_visible()
    step = page.locator(".ap-rate-step", has_text="市市场监督管理局")
    step.get_by_text("评价这个环节").click()
    step.get_by_label(re.compile("★★☆☆☆")).check()  # 不满意
    step.get_by_label("多次跑、来回跑").check()
    step.get_by_label("索要财物、吃拿卡要").check()
    step.locator("textarea").fill("要我跑了三趟，还暗示要好处。")
    screenshot("approvals-rate-step-form")
    step.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价。")).to_be_visible()
    expect(page.locator(".ap-rate-step", has_text="市市场监督管理局").locator(".ap-stars")).to_contain_text("★★☆☆☆")
    screenshot("approvals-rate-step-done")
    rating = Rating.objects.get()
    assert rating.stars == 2 and rating.reasons == ["many_trips", "bribe"]
    assert Finding.objects.filter(rule="R10").exists()


def test_rate_a_step_in_the_app(site, reviewed, page, screenshot):
    from approvals.models import Rating

    app, code = reviewed
    page.goto(site.url + "/app/approvals/track")
    page.get_by_label("受理编号").fill(app.tracking_number)
    page.get_by_label("查询密码").fill(code)
    page.get_by_role("button", name="查询").click()
    section = page.locator("#ap-rating")
    expect(section).to_be_visible(timeout=30000)  # the lookup's answer redraws the screen
    card = section.locator("li.card", has_text="市市场监督管理局")
    card.locator("summary").click()
    card.get_by_label(re.compile("非常满意")).check()
    expect(card.locator(".reasons-good")).to_be_visible()
    card.get_by_label("办事快、效率高").check()
    screenshot("approvals-app-rate-step")
    card.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价。")).to_be_visible(timeout=30000)
    expect(page.locator("#ap-rating li.card", has_text="市市场监督管理局")).to_contain_text("★★★★★")
    assert Rating.objects.get().stars == 5


def test_open_the_performance_page_from_the_home_page(site, reviewed, page, screenshot):
    from approvals import performance
    from approvals.models import Application

    app, _code = reviewed
    Application.objects.filter(pk=app.pk).update(state="completed", completed_at=app.submitted_at)
    performance.refresh(performance.recent_months())
    page.goto(site.url + "/")
    page.get_by_role("link", name=re.compile("阳光政务")).click()
    expect(page.get_by_role("heading", name="阳光政务")).to_be_visible()
    expect(page.locator("svg.pf-chart").first).to_be_visible()
    expect(page.get_by_role("link", name="CSV")).to_be_visible()
    screenshot("approvals-performance")
    page.get_by_role("link", name="市市场监督管理局").click()
    expect(page.get_by_role("heading", name=re.compile("市市场监督管理局：近十二个月"))).to_be_visible()
    screenshot("approvals-performance-department")
