"""Issue 21 journeys at 390x844, in Chinese, from the home page by clicking: the applicant rates a finished step on
the tracking page (好差评), and anyone opens the public performance page (阳光政务)."""

import re
from zoneinfo import ZoneInfo

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
    rated = page.locator(".ap-rate-step", has_text="市市场监督管理局")
    expect(rated.locator(".ap-stars")).to_contain_text("★★☆☆☆")
    expect(rated.locator("[data-rating-answer]")).to_contain_text("前核实整改并回访")  # when the answer is due
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
    # A bad rating of the acceptance: the card then says by when the centre answers it (差评整改回访).
    card = page.locator("#ap-rating li.card", has_text="市政务服务中心")
    card.locator("summary").click()
    card.get_by_label(re.compile("★★☆☆☆")).check()
    expect(card.locator(".reasons-bad")).to_be_visible()
    card.get_by_label("办事慢").check()
    card.get_by_role("button", name="提交评价").click()
    bad = page.locator("#ap-rating li.card", has_text="市政务服务中心")
    expect(bad.locator(".rating-answer")).to_contain_text("前核实整改并回访", timeout=30000)
    due = Rating.objects.get(stars=2).answer_due_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    expect(bad.locator(".rating-answer")).to_contain_text(due)
    screenshot("approvals-app-bad-rating-answer-due")


def test_open_the_performance_page_from_the_home_page(site, reviewed, staff, page, screenshot):  # noqa: F811
    from approvals import performance, services
    from approvals.models import Application

    app, _code = reviewed
    bad = services.rate(app, step=app.steps.get(order=1), rating=2, reasons=["slow"])
    services.answer_rating(
        bad, by=staff.sjj, verdict="partly", rectification="已压缩内部审查流转时间并回访申请人。", revisit="satisfied"
    )
    Application.objects.filter(pk=app.pk).update(state="completed", completed_at=app.submitted_at)
    performance.refresh(performance.recent_months())
    page.goto(site.url + "/")
    page.get_by_role("link", name=re.compile("阳光政务")).click()
    expect(page.get_by_role("heading", name="阳光政务")).to_be_visible()
    expect(page.locator("svg.pf-chart").first).to_be_visible()
    expect(page.get_by_role("link", name="CSV")).to_be_visible()
    expect(page.get_by_text("差评按期整改回访 1/1")).to_be_visible()  # the city's bad rating, answered on time
    expect(page.locator("[data-bad-answered]").first).to_contain_text("按期整改 1/1")
    screenshot("approvals-performance")
    page.get_by_role("link", name="市市场监督管理局").click()
    expect(page.get_by_role("heading", name=re.compile("市市场监督管理局：近十二个月"))).to_be_visible()
    screenshot("approvals-performance-department")


def test_the_department_answers_a_bad_rating_from_its_dashboard(site, reviewed, staff, page, screenshot):  # noqa: F811
    from approvals import services
    from approvals.models import Rating

    app, _code = reviewed
    review = app.steps.get(order=1)
    services.rate(app, step=review, rating=2, reasons=["many_trips"], comment="要我跑了三趟。")
    page.goto(site.url + "/admin/login/")
    page.fill("input[name=username]", staff.sjj.username)
    page.fill("input[name=password]", "x")
    page.click("button[type=submit]")
    panel = page.locator("[data-work-panel=approvals-bad-ratings]")
    expect(panel).to_contain_text("待整改回访和近 30 天的差评")
    panel.get_by_role("link", name=re.compile(app.tracking_number)).click()
    expect(page.get_by_role("heading", name="差评整改回访")).to_be_visible()
    page.get_by_role("button", name="提交整改回访").click()  # nothing filled in: each field says what it needs
    expect(page.get_by_text("请选择核实结果。")).to_be_visible()
    expect(page.get_by_text("请选择回访结果。")).to_be_visible()
    page.get_by_label("属实", exact=True).check()
    page.get_by_label("核实与整改情况").fill("经核实，窗口未一次性告知所需材料。已对经办人批评教育，并张贴材料清单。")
    page.get_by_label("满意", exact=True).check()
    screenshot("approvals-rating-answer")
    page.get_by_role("button", name="提交整改回访").click()
    expect(page.get_by_text("整改回访已记录，申请人可以看到。")).to_be_visible()
    expect(page.locator("table.listing")).to_contain_text("已整改回访")
    screenshot("approvals-rating-answered")
    assert Rating.objects.get(step=review).revisit == "satisfied"


def test_an_unanswered_bad_rating_is_a_yellow_card_the_supervisor_finds(
    site, reviewed, page, screenshot, django_user_model
):
    import datetime

    from approvals import services
    from supervision import services as supervision

    app, _code = reviewed
    bad = services.rate(app, step=app.steps.get(order=1), rating=1, reasons=["attitude"], comment="态度生硬。")
    supervision.sweep(now=bad.answer_due_at + datetime.timedelta(hours=1))  # its 15 working days have passed
    django_user_model.objects.create_superuser("supervisor", "s@example.cn", "secret-pass-1")
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")
    page.locator("#sv-home-title").get_by_role("link", name="电子监察").click()
    page.locator("[data-tile=yellow]").click()
    row = page.locator("table tr", has_text="差评整改回访")
    expect(row).to_contain_text(app.tracking_number)
    expect(row).to_contain_text("市市场监督管理局")
    expect(row).to_contain_text("黄牌")
    screenshot("supervision-bad-rating-yellow-card")
