"""The SMS operator's tools with the Alibaba Cloud gateway: sync templates, preview the text as received with its
segments, quiet hours and daily limit, send a test to oneself, and read replies in the inbox."""

import time

from playwright.sync_api import expect

from directory.models import Cadre, Department, DepartmentKind
from directory.roles import role_group
from sms.models import Campaign, Message, SmsTemplate
from sms.system_templates import TEMPLATES

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
    # A warning template registered with its opt-out line, as the provider requires of messages to many people.
    fake_aliyun.templates.append(
        {
            "TemplateCode": "SMS_100000009",
            "TemplateName": "廉政提醒（含退订）",
            "TemplateContent": "${name}同志：${phrase}回复TD退订",
            "OuterTemplateType": 1,
            "AuditStatus": "AUDIT_STATE_PASS",
        }
    )
    page.locator("[data-sync-templates]").first.click()
    page.locator("[data-sync-now]").click()
    # The fake's five, and the system messages' templates (sms.system_templates) the fixture registered.
    expect(page.get_by_text(f"已同步 {5 + len(TEMPLATES)} 个模板和 2 个签名").first).to_be_visible()
    expect(page.locator("td", has_text="审核中").first).to_be_visible()
    screenshot("sms-templates-synced")

    template = SmsTemplate.objects.get(code="SMS_100000009")
    Campaign.objects.create(
        title="节前廉洁提醒",
        template=template,
        template_params={"phrase": "节日期间请严守八项规定，廉洁过节。"},
        all_cadres=True,
        created_by=operator,
    )
    # Dashboard -> SMS platform -> Campaigns -> the campaign's title opens its review page (preview and actions).
    open_menu(page, "短信平台", "短信任务")
    screenshot("sms-campaign-list")
    page.get_by_role("link", name="节前廉洁提醒").first.click()
    expect(page).to_have_url(f"{site.url}/admin/sms/campaign/inspect/{Campaign.objects.get().pk}/")
    # The text as received, its opt-out line included, and the segments that whole text costs.
    final = "【清河市纪委监委】王小明同志：节日期间请严守八项规定，廉洁过节。回复TD退订"
    expect(page.locator("[data-final-text]")).to_have_text(final)
    expect(page.locator("[data-segments]")).to_have_text("1")
    expect(page.locator("[data-quiet-hours]")).to_have_text(settings.SMS_QUIET_HOURS or "无")
    screenshot("sms-campaign-preview-aliyun")

    page.locator("[data-send-test]").click()
    expect(page.get_by_text("测试短信已发送至").first).to_be_visible()
    [test] = fake_aliyun.sent_to("13900000001")
    assert test["content"] == "【清河市纪委监委】赵敏同志：节日期间请严守八项规定，廉洁过节。回复TD退订"
    assert test["template_code"] == "SMS_100000009"
    screenshot("sms-campaign-test-sent")

    fake_aliyun.uplink("13900000002", "TD")
    deadline = time.monotonic() + 10
    while not Message.objects.filter(direction="in").exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    open_menu(page, "短信平台", "收件箱")
    expect(page.get_by_text("钱进").first).to_be_visible()
    # Which keyword handler took the reply, in words.
    expect(page.get_by_text("退订（退订、TD、STOP）").first).to_be_visible()
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
