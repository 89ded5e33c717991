"""Two whole journeys on a phone, in zh-hans, clicking from the home page after the first URL.

The citizen applies for an approval and tracks it, files a complaint and follows it with the receipt, and reads a
public case; the cadre opens the app from the home page, logs in with phone and code, reads, plays the daily quiz,
then goes to the website's forum, logs in there with phone and code too, and posts.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.approvals.conftest import _media, city, item  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

PDF = {
    "name": "材料.pdf",
    "mimeType": "application/pdf",
    "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
}


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _sent_code(phone):
    from sms.gateways.console import GatewayBackend as Console

    return re.search(r"\d{6}", [body for to, body in Console.outbox if to == "+86" + phone][-1]).group()


def _public_case(city):  # noqa: F811
    from django.contrib.auth import get_user_model

    from complaints import services
    from directory.models import Cadre
    from directory.roles import role_group
    from tests.complaints.conftest import cleaned

    investigator = get_user_model().objects.create_user("li", password="pw-123456-xyz", first_name="李调查")
    investigator.groups.add(role_group("investigator"))
    Cadre.objects.create(name="李调查", phone="+8613800138099", department=city.sjj, user=investigator)
    complaint = services.submit_complaint(cleaned(city), (), source="seed").complaint
    services.acknowledge(complaint, investigator)
    services.accept(complaint, investigator)
    services.publish_update(complaint, investigator, "opened", "已立案调查。", public_title="关于某局干部吃拿卡要问题")


def test_a_citizen_applies_tracks_complains_follows_and_reads_a_public_case(site, item, city, page, screenshot):  # noqa: F811
    _public_case(city)
    page.goto(site.url + "/")
    screenshot("journey-home")
    page.locator(".platform.approval").click()
    expect(page).to_have_url(site.url + "/approvals/")
    page.get_by_role("link", name=re.compile("食品经营许可")).click()
    expect(page.locator(".ap-places")).to_contain_text("临江县")
    expect(page.locator(".ap-places")).to_contain_text("市政务服务中心")
    _fits(page)
    screenshot("journey-approvals-item")

    page.get_by_role("link", name="网上申请").click()
    page.select_option("#id_service_centre", label="市政务服务中心")
    page.fill("#id_applicant_name", "李四")
    page.fill("#id_applicant_phone", "13912345678")
    files = page.locator("main input[type=file]")
    files.nth(0).set_input_files(PDF)
    files.nth(1).set_input_files(PDF)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".ap-code")).to_be_visible()
    number = page.locator(".ap-status strong").first.inner_text()
    code = page.locator(".ap-code").inner_text()
    page.get_by_role("link", name="办件查询").click()
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询密码").fill(code)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".ap-status")).to_contain_text("食品经营许可")
    expect(page.locator("ol.ap-timeline li").first).to_be_visible()

    page.locator(".site-nav a", has_text="网络投诉").click()
    page.get_by_role("link", name="我要投诉").click()
    page.select_option("#id_concerned_department", label="市住房和城乡建设局")
    page.fill("#id_description", "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".receipt-code")).to_be_visible()
    reference = page.locator(".reference").inner_text()
    receipt = page.locator(".receipt-code").inner_text()
    page.locator("main a.button", has_text="查询我的投诉").click()
    page.fill("#id_reference", reference)
    page.fill("#id_receipt", receipt)
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(reference)
    expect(page.locator("main")).to_contain_text("办理施工许可时")

    page.locator(".brand").click()
    page.locator(".platform.complaints").click()
    page.get_by_role("link", name=re.compile("关于某局干部吃拿卡要问题")).click()
    expect(page.locator("h1")).to_contain_text("关于某局干部吃拿卡要问题")
    expect(page.locator("main")).to_contain_text("已立案调查。")
    _fits(page)


def test_a_cadre_goes_from_the_home_page_to_the_app_and_the_forum_with_phone_logins(
    site, page, screenshot, monkeypatch
):
    from cms.services import ensure_home_page
    from forum.models import ModerationMode, Post
    from quizzes.models import Question, QuestionKind, QuizMode, QuizPage
    from sms import codes
    from tests.cms.factories import article, section
    from tests.directory.factories import CadreFactory, DepartmentFactory
    from tests.forum.factories import TopicFactory, UserFactory, make_board

    # A day's two logins in seconds: one code a minute per number is the rule, a second is enough here.
    monkeypatch.setattr(codes, "NUMBER_LIMITS", ((datetime.timedelta(seconds=1), 1),))
    home = ensure_home_page()
    news = section(home, title="理论实践", kind="theory")
    article(news, "如何过好廉洁关", body=["廉洁是干部的立身之本。"])
    Question.objects.create(
        kind=QuestionKind.TRUE_FALSE, text="公务接待可以安排高档菜肴。", options=["正确", "错误"], correct=[1]
    )
    home.add_child(instance=QuizPage(title="每日一答", slug="daily", mode=QuizMode.DAILY, question_count=1))
    QuizPage.objects.get().save_revision().publish()
    board = make_board("廉政论坛", ModerationMode.POST, slug="lianzheng")
    TopicFactory(board=board, title="学习体会交流", author=UserFactory(username="t", first_name="李秀英"))
    CadreFactory(name="王建国", phone="+8613800138000", department=DepartmentFactory(name="市纪委监委机关"))

    page.goto(site.url + "/")
    page.locator(".app-banner").click()
    expect(page).to_have_url(site.url + "/app/")
    page.locator(".tabs a", has_text="我的").click()
    expect(page.locator(".login-who")).to_contain_text("登记的手机号")
    screenshot("journey-app-login")
    page.fill("#phone", "13800138000")
    page.click("#phone-form button")
    expect(page.locator("#code-form")).to_be_visible()
    page.fill("#code", _sent_code("13800138000"))
    page.click("#code-form button")
    expect(page.get_by_role("heading", name="王建国")).to_be_visible()

    page.locator(".tabs a", has_text="首页").click()
    page.locator("#view a", has_text="如何过好廉洁关").first.click()
    expect(page.locator("#view")).to_contain_text("廉洁是干部的立身之本")

    page.locator(".tabs a", has_text="答题").click()
    page.locator(".quiz-card", has_text="每日一答").click()
    page.locator("#play").click()
    page.locator(".option", has_text="错误").click()
    page.locator("#answer button[type=submit]").click()
    expect(page.locator(".feedback")).to_contain_text("正确答案：错")
    screenshot("journey-quiz-feedback")
    page.locator("#next").click()
    expect(page.locator(".review")).to_contain_text("正确答案：错 · 你的答案：错")
    expect(page.locator("#no-retry")).to_contain_text("明天 0:00")
    expect(page.get_by_role("link", name="再答一次")).to_have_count(0)
    screenshot("journey-quiz-results")

    page.locator(".tabs a", has_text="我的").click()
    page.locator("#logout").click()
    expect(page.locator("#phone-form")).to_be_visible()  # logged out, 我的 is the login screen, with the site link
    page.locator("#open-site").click()
    page.locator(".board-links a", has_text="廉政论坛").click()
    page.get_by_role("link", name="学习体会交流").click()
    page.locator(".forum-account a").click()
    expect(page.locator("h1")).to_have_text("手机号登录")
    page.fill("#id_phone", "13800138000")
    page.locator("#request-code").click()
    expect(page.locator("#id_code")).to_be_visible()
    page.fill("#id_code", _sent_code("13800138000"))
    screenshot("journey-site-phone-login")
    page.locator("#verify-code").click()
    expect(page.locator("h1")).to_contain_text("学习体会交流")
    page.fill("#id_body", "对照检查，举一反三。")
    page.click("#reply button[type=submit]")
    expect(page.locator(".post-list .post").last).to_contain_text("对照检查，举一反三。")
    assert Post.objects.filter(author__first_name="王建国").count() == 1
    _fits(page)
    screenshot("journey-forum-post")
