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


def _wav(seconds):
    """A silent WAV file: Chromium plays it in a <video> element, and its length comes from the player."""
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 8000 * seconds)
    return buffer.getvalue()


def test_a_cadre_watches_a_task_video_and_sees_the_rankings_on_the_website(site, page, screenshot, django_user_model):
    import json

    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from cms.services import ensure_home_page
    from core.points import PointSource, earn
    from study import assignments
    from study.models import StudyTask, VideoWatch
    from tests.browser.conftest import wait_until
    from tests.cms.factories import ArticlePageFactory
    from tests.directory.factories import CadreFactory, DepartmentFactory

    home = ensure_home_page()
    clip = get_document_model()(title="警示教育片《警钟》")
    clip.file.save("warning-bell.wav", ContentFile(_wav(6)), save=True)
    film = ArticlePageFactory(
        parent=home,
        slug="warning-bell",
        title="警示教育片《警钟》",
        body=json.dumps([{"type": "video", "value": {"video": clip.pk, "poster": None, "caption": "警示教育片"}}]),
    )
    reading = ArticlePageFactory(parent=home, slug="eight-rules", title="八项规定精神学习")
    unit = DepartmentFactory(code="QH-CZ", name="市财政局", short_name="财政局")
    user = django_user_model.objects.create_user("wangjg", password="清风-test-1")
    me = CadreFactory(name="王建国", user=user, department=unit)
    today = timezone.localdate()
    for n, cadre in enumerate(
        [me, CadreFactory(name="李明", department=unit), CadreFactory(name="赵芳", department=unit)]
    ):
        earn(source=PointSource.COMPETITION, key=f"c:{n}", cadre_id=cadre.pk, day=today, points=20 + 10 * n)
    task = StudyTask.objects.create(
        title="十二月警示教育", deadline=timezone.now() + datetime.timedelta(days=5), video_percent=50
    )
    task.pages.set([film, reading])
    task.departments.set([unit])
    assignments.assign_task(task)

    page.goto(site.url + "/accounts/login/?next=/")
    page.fill("input[name=username]", "wangjg")
    page.fill("input[name=password]", "清风-test-1")
    page.locator("form button[type=submit]").last.click()
    page.get_by_role("link", name="我的积分").click()
    page.locator(".study-tabs").get_by_role("link", name="学习任务").click()
    card = page.locator(".study-task")
    expect(card).to_contain_text("十二月警示教育")
    expect(card).to_contain_text("已学 0/2 篇")
    expect(card).to_contain_text("视频：观看满 50% 才计入")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("study-tasks-site")

    card.get_by_role("link", name="警示教育片《警钟》").click()
    expect(page.get_by_role("heading", name="警示教育片《警钟》")).to_be_visible()
    player = page.locator("video[data-video-id]")
    expect(player).to_be_visible()
    player.evaluate("(v) => { v.muted = true; return v.play(); }")
    wait_until(page, "Number(document.querySelector('video').dataset.creditedSeconds || 0) >= 3", timeout=30000)
    screenshot("study-video-site")
    watch = VideoWatch.objects.get(cadre=me)
    assert watch.video_seconds == 6 and 3 <= watch.credited_seconds <= 6

    page.get_by_role("link", name="我的积分").click()
    page.locator(".study-tabs").get_by_role("link", name="学习任务").click()
    expect(page.locator(".study-task")).to_contain_text("已学 1/2 篇")  # the video, watched; the article not opened

    page.locator(".study-tabs").get_by_role("link", name="积分排行").click()
    expect(page.locator(".my-rank")).to_contain_text("我的排名：第 3 名（22 分）")
    expect(page.locator(".ranking-board tr.me")).to_contain_text("王建国")
    page.get_by_role("link", name="本月", exact=True).click()
    page.get_by_role("link", name="单位", exact=True).click()
    expect(page.locator(".min-participants")).to_contain_text("满 3 人")
    expect(page.locator(".ranking-board tr.me")).to_contain_text("财政局")
    expect(page.locator(".ranking-board tr.me")).to_contain_text(
        "人均 30.7 分"
    )  # 20 + 2 for opening the video page, 30, 40
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("study-ranking-site")


def test_a_unit_study_admin_assigns_a_task_opens_its_completion_and_downloads_the_xlsx(
    site, browser, django_user_model
):
    import io
    import os
    import re
    from pathlib import Path

    from openpyxl import load_workbook

    from cms.services import ensure_home_page, record_read
    from directory.roles import role_group
    from quizzes.models import QuizMode, QuizPage
    from study.models import StudyTask, TaskMember
    from tests.cms.factories import ArticlePageFactory
    from tests.directory.factories import CadreFactory, DepartmentFactory

    home = ensure_home_page()
    pages = [
        ArticlePageFactory(parent=home, slug=f"rules-{n}", title=title)
        for n, title in enumerate(("《中国共产党纪律处分条例》解读", "八项规定精神学习"))
    ]
    quiz = QuizPage(title="条例知识测验", slug="rules-quiz", mode=QuizMode.TIMED)
    home.add_child(instance=quiz)
    county = DepartmentFactory(code="QH-X", name="清河县")
    town = DepartmentFactory(code="QH-X-CG", name="城关镇", parent=county)
    DepartmentFactory(code="QH-CZ", name="市财政局")
    secretary = django_user_model.objects.create_user("secretary", password="清风-test-1")
    secretary.groups.add(role_group("study_secretary"))
    CadreFactory(name="周书记", user=secretary, department=county)
    reader_user = django_user_model.objects.create_user("zhangsan")
    CadreFactory(name="张三", department=county, user=reader_user)
    CadreFactory(name="李四", department=town)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", "清风-test-1")
    page.click("button[type=submit]")
    expect(page.locator("h1").first).to_be_visible()
    page.get_by_role("link", name="学习任务").first.click()
    page.locator("a[href$='/admin/study/tasks/new/']").first.click()
    page.fill("#id_title", "十二月集中学习")
    page.select_option("#id_pages", [str(p.pk) for p in pages])
    page.locator("#id_quiz").locator("xpath=..").get_by_role("button").first.click()
    modal = page.locator(".modal-content")
    quiz_link = modal.get_by_role("link", name="条例知识测验")
    home_link = modal.locator(f"a[href*='/choose-page/{home.pk}/']")
    expect(quiz_link.or_(home_link).first).to_be_visible()
    if not quiz_link.count():  # the chooser opened above the home page: go into it
        home_link.first.click()
    quiz_link.click()
    expect(modal).to_be_hidden()
    page.fill("#id_pass_mark", "80")
    page.select_option("#id_departments", [str(county.pk)])
    past = timezone.localtime() - datetime.timedelta(days=1)
    page.fill("#id_deadline", past.strftime("%Y-%m-%d %H:%M"))
    page.locator("#id_deadline").press("Tab")  # its date picker closes, not covering the footer
    page.locator("#id_remind_days_before").click()
    page.locator("form button[type=submit]", has_text=re.compile("创建|保存")).first.click()
    expect(page.get_by_text("截止时间必须晚于现在。")).to_be_visible()
    assert not StudyTask.objects.exists()

    deadline = timezone.localtime() + datetime.timedelta(days=7)
    page.fill("#id_deadline", deadline.strftime("%Y-%m-%d %H:%M"))
    page.locator("#id_deadline").press("Tab")
    expect(page.locator("#id_deadline")).to_have_value(deadline.strftime("%Y-%m-%d %H:%M"))
    page.locator("#id_remind_days_before").click()
    page.locator("form button[type=submit]", has_text=re.compile("创建|保存")).first.click()
    expect(page.locator(".messages")).to_contain_text("已布置给 3 名干部")  # the county's and its town's cadres
    task = StudyTask.objects.get()
    assert task.quiz_id == quiz.pk and task.pass_mark == 80 and TaskMember.objects.filter(task=task).count() == 3
    for p in pages:
        record_read(reader_user, p)

    page.get_by_role("link", name="完成情况").first.click()
    table = page.locator("table.study-completion")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("城关镇")
    expect(page.locator("table.study-completion tbody tr", has_text="张三")).to_contain_text("2/2")
    directory = Path(os.environ.get("SCREENSHOT_DIR", ".screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / "study-completion-admin.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 XLSX").click()
    assert download.value.suggested_filename == f"study-task-{task.pk}.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["部门", "姓名", "职务", "已学篇数", "答题最高分", "完成于"]
    assert sorted(row[1] for row in rows[1:]) == ["周书记", "张三", "李四"]
    zhang = next(row for row in rows if row[1] == "张三")
    assert zhang[0] == "清河县" and zhang[3] == "2/2" and zhang[5] == "未完成"
    assert {row[0] for row in rows[1:]} == {"清河县", "城关镇"}
    context.close()
