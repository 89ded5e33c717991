"""A cadre finds the points detail (积分明细) in 我的, in the app and on the website."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import app_login


def _credit(cadre):
    from core.points import PointSource, earn

    today = timezone.localdate()
    for i in reversed(range(3)):
        day = today - datetime.timedelta(days=i)
        earn(source=PointSource.READING, key=f"page:{i}:{day}", cadre_id=cadre.pk, day=day)
    earn(source=PointSource.SMS_QUIZ, key="sms:1", cadre_id=cadre.pk, day=today, points=5)


def test_a_cadre_opens_the_points_detail_from_me_in_the_app(site, page, screenshot):
    from sms.gateways.console import GatewayBackend as Console
    from tests.directory.factories import CadreFactory, DepartmentFactory

    department = DepartmentFactory(code="QH-JW", name="市纪委监委机关", short_name="市纪委")
    cadre = CadreFactory(name="王建国", phone="+8613800138000", department=department)
    _credit(cadre)
    Console.outbox.clear()

    app_login(page, site.url, "13800138000")
    summary = page.locator(".points-summary", has_text="积分明细")
    expect(summary).to_contain_text("积分明细")
    expect(summary).to_contain_text("今日 9")  # a read, the SMS answer, the streak
    screenshot("study-me")
    summary.click()
    expect(page).to_have_url(site.url + "/app/me/points")
    expect(page.get_by_role("heading", name="积分明细").first).to_be_visible()
    expect(page.locator(".points-ledger li")).to_have_count(6)  # 3 reads, 2 streak days, 1 answer
    expect(page.locator(".points-ledger")).to_contain_text("短信答题")
    expect(page.locator(".points-sources")).to_contain_text("阅读文章")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("study-points-app")
    page.get_by_role("link", name="积分排行").click()
    expect(page.locator(".my-rank")).to_contain_text("第 1 名")
    expect(page.locator(".board li.me")).to_contain_text("王建国")
    page.get_by_role("link", name="单位").click()
    expect(page.locator(".muted").first).to_contain_text("满 3 人")
    page.get_by_role("link", name="个人").click()
    expect(page.locator(".board li.me")).to_be_visible()
    screenshot("study-ranking")


def test_a_cadre_opens_the_points_detail_on_the_website(site, page, screenshot, django_user_model):
    from tests.directory.factories import CadreFactory

    user = django_user_model.objects.create_user("wangjg", password="清风-test-1")
    cadre = CadreFactory(name="王建国", user=user)
    _credit(cadre)
    page.goto(site.url + "/accounts/login/?next=/")
    page.fill("input[name=username]", "wangjg")
    page.fill("input[name=password]", "清风-test-1")
    page.locator("form button[type=submit]").last.click()
    page.get_by_role("link", name="我的积分").click()
    expect(page.get_by_role("heading", name="积分明细")).to_be_visible()
    expect(page.locator(".points-ledger tbody tr")).to_have_count(6)
    expect(page.locator(".points-totals")).to_contain_text("今日")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("study-points-site")


def test_a_cadre_follows_a_study_task_from_me_and_its_progress_moves(site, page, screenshot):
    from cms.services import ensure_home_page
    from sms.gateways.console import GatewayBackend as Console
    from study import assignments
    from study.models import StudyTask
    from tests.cms.factories import ArticlePageFactory
    from tests.directory.factories import CadreFactory, DepartmentFactory

    home = ensure_home_page()
    pages = [ArticlePageFactory(parent=home, title=t) for t in ("《中国共产党纪律处分条例》解读", "八项规定精神学习")]
    department = DepartmentFactory(code="QH-CZ", name="市财政局")
    CadreFactory(name="李明", phone="+8613800138002", department=department)
    task = StudyTask.objects.create(
        title="十二月集中学习", description="学习两篇材料。", deadline=timezone.now() + datetime.timedelta(days=5)
    )
    task.pages.set(pages)
    task.departments.set([department])
    assignments.assign_task(task)
    Console.outbox.clear()

    app_login(page, site.url, "13800138002")
    expect(page.locator(".tasks-summary")).to_contain_text("1 项未完成")
    page.locator(".tasks-summary").click()
    expect(page).to_have_url(site.url + "/app/me/tasks")
    card = page.locator(".study-task")
    expect(card).to_contain_text("十二月集中学习")
    expect(card).to_contain_text("已学 0/2 篇")
    screenshot("study-tasks")
    card.get_by_role("link", name="八项规定精神学习").click()
    expect(page.get_by_role("heading", name="八项规定精神学习")).to_be_visible()
    page.go_back()
    expect(page.locator(".study-task")).to_contain_text("已学 1/2 篇")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
