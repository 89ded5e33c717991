"""Issue 21 journeys on a phone (390x844), in zh-hans, clicking from the home page: 我的办件 on the website and in
the app for a citizen logged in with phone and code; the 12388-style receipt; an item's blank form and example."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from tests.approvals.conftest import _media, city, item  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13912345678"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _sent_code(phone):
    from sms.gateways.console import GatewayBackend as Console

    return re.search(r"\d{6}", [body for to, body in Console.outbox if to == "+86" + phone][-1]).group()


def _cases(item, city, monkeypatch):  # noqa: F811
    """One application and one named complaint made with PHONE, and an anonymous complaint that must not show."""
    from approvals import services
    from complaints import services as complaint_services
    from tests.approvals.conftest import docx, pdf

    monkeypatch.setattr("complaints.services.intake.notify_reporter", lambda *args, **kwargs: None)
    materials = list(item.materials.all())
    app = services.submit_application(
        item,
        service_centre=city.centre,
        applicant_kind="person",
        applicant_name="张三",
        applicant_phone="+86" + PHONE,
        files=[(materials[0], docx()), (materials[1], pdf())],
    ).application
    # As if accepted: the promised completion date shows beside it.
    type(app).objects.filter(pk=app.pk).update(due_at=app.submitted_at + datetime.timedelta(days=7))
    data = {
        "category": "demanding",
        "concerned_department": city.sjj,
        "concerned_person": "王某",
        "description": "办理食品经营许可时，窗口工作人员暗示要请吃饭才给加快办理。",
    }
    named = complaint_services.submit_complaint({**data, "is_anonymous": False, "name": "张三", "phone": "+86" + PHONE})
    anonymous = complaint_services.submit_complaint({**data, "is_anonymous": True, "name": "", "phone": ""})
    return app, named.complaint, anonymous.complaint


def test_a_citizen_logs_in_with_a_code_and_finds_every_case_on_the_site(
    site,
    item,  # noqa: F811
    city,  # noqa: F811
    page,
    screenshot,
    monkeypatch,
):
    app, named, anonymous = _cases(item, city, monkeypatch)
    page.goto(site.url + "/")
    page.locator(".site-nav a", has_text="我的办件").click()
    expect(page.locator("h1")).to_have_text("手机号登录")
    page.fill("#id_phone", PHONE)
    page.locator("#request-code").click()
    expect(page.locator("#id_code")).to_be_visible()
    page.fill("#id_code", _sent_code(PHONE))
    page.locator("#verify-code").click()
    expect(page).to_have_url(site.url + "/mine/")
    expect(page.locator("main")).to_contain_text(app.tracking_number)
    expect(page.locator("main")).to_contain_text(named.reference)
    expect(page.locator("main")).not_to_contain_text(anonymous.reference)
    expect(page.locator("main")).to_contain_text("承诺办结")
    # The header names the session by its masked number; 登录 is no longer offered.
    expect(page.locator(".site-nav-citizen")).to_have_text("139****5678")
    expect(page.locator(".site-nav-login")).to_have_count(0)
    _fits(page)
    screenshot("mine-web")

    page.get_by_role("link", name="食品经营许可").click()
    expect(page.locator(".ap-status")).to_contain_text("食品经营许可")
    page.go_back()
    page.get_by_role("link", name="吃拿卡要").first.click()
    expect(page.locator("main")).to_contain_text("办理食品经营许可时")
    expect(page.locator(".deadline")).to_contain_text("本阶段期限")
    _fits(page)
    screenshot("mine-web-complaint")


def test_a_citizen_sees_their_cases_under_me_in_the_app(site, item, city, page, screenshot, monkeypatch):  # noqa: F811
    app, named, anonymous = _cases(item, city, monkeypatch)
    page.goto(site.url + "/")
    page.locator(".site-nav a", has_text="手机版").click()
    page.locator(".tabs a[data-tab=me]").click()
    expect(page).to_have_url(site.url + "/app/login")
    page.fill("#phone", PHONE)
    page.click("#phone-form button")
    expect(page.locator("#code-form")).to_be_visible()
    page.fill("#code", _sent_code(PHONE))
    page.click("#code-form button")
    expect(page.locator("h1")).to_have_text("我的办件")
    expect(page.locator("main")).to_contain_text(app.tracking_number)
    expect(page.locator("main")).to_contain_text(named.reference)
    expect(page.locator("main")).not_to_contain_text(anonymous.reference)
    _fits(page)
    screenshot("mine-app")

    page.locator(".mine-case", has_text=app.tracking_number).click()
    expect(page.locator("main")).to_contain_text("办理过程")
    screenshot("mine-app-application")
    page.get_by_role("link", name=re.compile("我的办件")).click()
    page.locator(".mine-case", has_text=named.reference).click()
    expect(page.locator("h1")).to_have_text(named.reference)
    expect(page.locator("main")).to_contain_text("办理食品经营许可时")
    # Under 我的 the reporter writes to the investigator without the receipt: the session proved the phone.
    page.fill("#c-msg", "补充：对方还提到了吃饭的地点。")
    page.locator("#c-send button").click()
    expect(page.locator(".post-list")).to_contain_text("补充：对方还提到了吃饭的地点。")
    expect(page.locator("#c-msg")).to_have_value("")
    # Dated in the city's zone (the UTC date differs from 00:00 to 08:00 in Beijing).
    expect(page.locator(".post-list time").last).to_have_text(timezone.localdate().isoformat())
    _fits(page)
    screenshot("mine-app-complaint")


def test_a_named_reporter_gets_a_receipt_with_a_promised_date_and_prints_it(site, city, page, screenshot):  # noqa: F811
    page.goto(site.url + "/")
    page.locator(".platform.complaints").click()
    page.get_by_role("link", name="我要投诉").click()
    expect(page.locator(".guidance")).to_contain_text("实名举报优先办理")
    expect(page.locator(".guidance")).to_contain_text("诬告陷害")
    page.select_option("#id_concerned_department", label="市住房和城乡建设局")
    page.fill("#id_concerned_person", "王某")
    page.fill("#id_concerned_post", "窗口科科长")
    page.select_option("#id_concerned_level", label="科级")
    page.fill("#id_description", "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。")
    page.locator("input[name=is_anonymous][value='0']").check()
    page.fill("#id_name", "张三")
    page.fill("#id_phone", PHONE)
    _fits(page)
    screenshot("complaints-form-guidance")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".receipt-code")).to_be_visible()
    expect(page.locator(".promise")).to_contain_text("3 个工作日")
    expect(page.locator("#print-receipt")).to_have_text("打印回执")
    _fits(page)
    screenshot("complaints-receipt")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#print-receipt")).to_be_hidden()
    screenshot("complaints-receipt-print")


def test_the_app_complaint_screen_asks_post_and_level_and_promises_a_date(site, city, page, screenshot):  # noqa: F811
    page.goto(site.url + "/app/")
    page.locator(".tabs a[data-tab=complaints]").click()
    page.get_by_role("link", name="我要投诉").click()
    expect(page.locator(".guidance")).to_contain_text("12388")
    page.select_option("#c-dept", label="市住房和城乡建设局")
    page.fill("#c-person", "王某")
    page.fill("#c-post", "副局长")
    page.select_option("#c-level", label="处级")
    page.fill("#c-desc", "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。")
    page.click("#complaint button[type=submit]")
    expect(page.locator(".receipt-code")).to_be_visible()
    expect(page.locator(".promise")).to_contain_text("个工作日内")
    expect(page.locator("#c-print")).to_be_visible()
    _fits(page)
    screenshot("complaints-app-receipt-promise")


def test_an_item_offers_its_blank_form_and_example_on_the_site_and_in_the_app(site, item, page, screenshot):  # noqa: F811
    material = item.materials.get(sort_order=1)
    material.blank_form.save("blank.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    material.sample.save("sample.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    page.goto(site.url + "/")
    page.locator(".platform.approval").click()
    page.get_by_role("link", name=re.compile("食品经营许可")).click()
    expect(page.locator(".ap-download", has_text="空白表格")).to_be_visible()
    expect(page.locator(".ap-download", has_text="示范文本")).to_be_visible()
    _fits(page)
    screenshot("approvals-item-forms")
    page.goto(site.url + "/app/")
    page.locator(".tabs a[data-tab=approvals]").click()
    page.get_by_role("link", name=re.compile("食品经营许可")).click()
    expect(page.locator(".ap-download", has_text="空白表格")).to_be_visible()
    expect(page.locator(".ap-download", has_text="示范文本")).to_have_attribute("href", material.sample.url)
    screenshot("approvals-app-item-forms")
