"""A cadre plays a whole timed quiz on a phone: login by phone code, timer, feedback, time running out, results."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import app_login


def test_a_cadre_plays_a_whole_timed_quiz_on_a_phone(site, page, screenshot):
    from cms.services import ensure_home_page
    from quizzes.demo import load_questions
    from quizzes.models import Attempt, AttemptState, QuestionTag, QuizMode, QuizPage
    from sms.gateways.console import GatewayBackend as Console
    from tests.directory.factories import CadreFactory, DepartmentFactory

    home = ensure_home_page()
    load_questions()
    quiz = QuizPage(
        title="《纪律处分条例》限时测验", slug="timed", mode=QuizMode.TIMED, question_count=4, seconds_per_question=10,
        intro="<p>4道题，每题10秒。</p>",
    )  # fmt: skip
    home.add_child(instance=quiz)
    quiz.draw_tags.set(QuestionTag.objects.filter(name="纪律处分条例"))
    quiz.save_revision().publish()
    department = DepartmentFactory(code="QH-JW", name="市纪委监委机关", short_name="市纪委")
    CadreFactory(name="王建国", phone="+8613800138000", department=department)
    Console.outbox.clear()

    app_login(page, site.url, "13800138000")
    expect(page.get_by_role("heading", name="王建国")).to_be_visible()

    page.locator(".tabs a", has_text="答题").click()
    expect(page.locator(".quiz-card")).to_contain_text("《纪律处分条例》限时测验")
    screenshot("quizzes-list")
    page.locator(".quiz-card", has_text="限时测验").click()
    page.locator("#play").click()

    for number in range(1, 5):
        expect(page.locator(".progress-label")).to_have_text(f"第 {number}/4 题")
        expect(page.locator(".timer")).to_be_visible()
        if number == 3:
            # Let the time run out: the app submits nothing, the server scores nothing and shows the answer.
            expect(page.locator(".feedback")).to_contain_text("时间到", timeout=15000)
            screenshot("quizzes-timeout")
        else:
            if number == 1:
                # The right answer, so the score and the study record are never zero.
                item = Attempt.objects.get().items.select_related("question").get(position=0)
                for original in item.question.correct:
                    page.locator(".option").nth(item.option_order.index(original)).click()
                screenshot("quizzes-play")
            else:
                page.locator(".option").first.click()
                if page.locator(".kind").inner_text() == "多选题":
                    page.locator(".option").nth(1).click()
            page.locator("#answer button[type=submit]").click()
            expect(page.locator(".feedback")).to_be_visible()
            expect(page.locator(".feedback")).to_contain_text("正确答案")
            if number == 1:
                screenshot("quizzes-feedback")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator("#next").click()

    expect(page).to_have_url(re.compile(r"/app/quizzes/attempts/\d+$"))
    expect(page.locator(".score-card")).to_contain_text("得分")
    expect(page.locator(".review li")).to_have_count(4)
    screenshot("quizzes-results")
    attempt = Attempt.objects.get()
    assert attempt.state == AttemptState.FINISHED
    timed_out = attempt.items.get(position=2)
    assert timed_out.late and timed_out.points == 0
    assert attempt.items.get(position=0).is_correct and attempt.score > 0
    assert page.locator("#score").inner_text() == str(attempt.score)

    page.get_by_role("link", name="排行榜").click()
    expect(page.locator(".my-rank")).to_contain_text("第 1 名")
    expect(page.locator(".board li.me")).to_contain_text("王建国")
    screenshot("quizzes-leaderboard")

    page.locator(".tabs a", has_text="我的").click()
    expect(page.locator(".study-record")).to_contain_text(f"答题 {min(attempt.score, 60)} 分")
    screenshot("quizzes-me")
