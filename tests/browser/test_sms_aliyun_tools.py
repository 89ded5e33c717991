"""The SMS operator's tools with the Alibaba Cloud gateway: sync templates, preview the text as received with its
segments, quiet hours and daily limit, send a test to oneself, and read replies in the inbox."""

import time

from playwright.sync_api import expect

from directory.models import Cadre, Department, DepartmentKind
from directory.roles import role_group
from sms.models import Campaign, Message, SmsTemplate

SECRET = "browser-secret-0123456789"


def test_an_sms_operator_syncs_templates_previews_tests_and_reads_replies(
    site, page, screenshot, django_user_model, fake_aliyun, settings
):
    settings.ALIYUN_SMS_CALLBACK_SECRET = SECRET
    fake_aliyun.configure(up_url=f"{site.url}/sms/webhooks/aliyun/{SECRET}/up/")
    from directory.roles import sync_roles

    sync_roles()
    city = Department.objects.create(code="QH", name="清河市纪委监委", kind=DepartmentKind.CITY)
    operator = django_user_model.objects.create_user("sms", "sms@example.cn", "secret-pass-1", is_staff=True)
    operator.groups.add(role_group("sms_operator"))
    Cadre.objects.create(name="赵敏", phone="+8613900000001", department=city, post="干事", user=operator)
    Cadre.objects.create(name="钱进", phone="+8613900000002", department=city, post="科员")

    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "sms")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")

    # Dashboard -> SMS platform -> Templates, through the sidebar.
    open_menu(page, "短信平台", "短信模板")
    expect(page.locator("h1")).to_contain_text("短信模板")
    page.locator("[data-sync-templates]").first.click()
    page.locator("[data-sync-now]").click()
    expect(page.get_by_text("已同步 4 个模板和 2 个签名").first).to_be_visible()
    expect(page.locator("td", has_text="审核中").first).to_be_visible()
    screenshot("sms-templates-synced")

    template = SmsTemplate.objects.get(code="SMS_100000002")
    Campaign.objects.create(
        title="节前廉洁提醒",
        template=template,
        template_params={"phrase": "节日期间请严守八项规定，廉洁过节。"},
        all_cadres=True,
        created_by=operator,
    )
    open_menu(page, "短信平台", "短信任务")
    screenshot("sms-campaign-list")
    expect(page.get_by_text("节前廉洁提醒").first).to_be_visible()
    # The review page (preview and actions) of the listed campaign.
    page.goto(f"{site.url}/admin/sms/campaign/inspect/{Campaign.objects.get().pk}/")
    expect(page.locator("[data-final-text]")).to_have_text(
        "【清河市纪委监委】王小明同志：节日期间请严守八项规定，廉洁过节。"
    )
    expect(page.locator("[data-segments]")).to_have_text("1")
    expect(page.locator("[data-quiet-hours]")).to_have_text(settings.SMS_QUIET_HOURS or "无")
    screenshot("sms-campaign-preview-aliyun")

    page.locator("[data-send-test]").click()
    expect(page.get_by_text("测试短信已发送至").first).to_be_visible()
    [test] = fake_aliyun.sent_to("13900000001")
    assert test["content"] == "【清河市纪委监委】赵敏同志：节日期间请严守八项规定，廉洁过节。"
    assert test["template_code"] == "SMS_100000002"
    screenshot("sms-campaign-test-sent")

    fake_aliyun.uplink("13900000002", "TD")
    deadline = time.monotonic() + 10
    while not Message.objects.filter(direction="in").exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    open_menu(page, "短信平台", "收件箱")
    expect(page.get_by_text("钱进").first).to_be_visible()
    screenshot("sms-inbox")
    assert Cadre.objects.get(name="钱进").sms_opt_in is False


def open_menu(page, group, item):
    """Open the admin sidebar (collapsed on a phone), then a group and one of its items."""
    page.goto(page.url.split("/admin/")[0] + "/admin/")
    toggle = page.locator("button[aria-label='切换侧边栏'], button.sidebar__collapse-toggle, [data-sidebar-toggle]")
    if toggle.count():
        toggle.first.click()
    page.get_by_role("button", name=group).first.click()
    page.get_by_role("link", name=item).first.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text(item)
