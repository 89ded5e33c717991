"""An administrator enters next year's holidays from the State Council's notice, on a phone: 系统设置 → 节假日安排."""

from playwright.sync_api import expect

from core.models import HolidaySchedule

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕9号
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至13日（周六）放假调休，共9天。2月14日（周日）上班。
2026年11月20日
"""


def test_an_administrator_pastes_the_notice_previews_and_confirms_on_a_phone(site, page, screenshot, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.cn", "secret-pass-1")
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")

    expect(page.locator("[data-calendar-warning]")).to_contain_text("2027")
    screenshot("admin-holidays-banner")
    page.get_by_role("button", name="切换侧边栏").click()
    page.get_by_role("button", name="设置").click()
    page.get_by_role("link", name="节假日安排", exact=True).click()
    expect(page.locator("h1")).to_contain_text("节假日安排")
    screenshot("admin-holidays-years")
    page.locator("[data-year='2027'] a").click()
    expect(page.locator("[data-source]")).to_contain_text("暂定")

    page.get_by_label("国务院办公厅通知全文").fill("一、元旦：1月1日（周四）放假。")
    page.get_by_role("button", name="预览").click()
    expect(page.locator(".error-message, .w-field__errors").first).to_contain_text("第1行")

    page.get_by_label("国务院办公厅通知全文").fill(NOTICE_2027)
    page.get_by_role("button", name="预览").click()
    expect(page.locator("[data-preview]")).to_be_visible()
    expect(page.locator("[data-months] .hd-workday")).to_have_count(1)
    screenshot("admin-holidays-preview")
    assert not HolidaySchedule.objects.exists()

    page.get_by_role("button", name="确认并保存").click()
    expect(page.locator("[data-source]")).to_contain_text("本单位录入")
    expect(page.locator("[data-months] .hd-rest").first).to_be_visible()
    screenshot("admin-holidays-saved")
    assert HolidaySchedule.objects.get(year=2027).dates.count() == 8
