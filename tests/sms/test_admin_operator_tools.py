"""The SMS operator's tools in the admin: test to oneself, the preview's facts, the paused banner, the inbox,
templates and their sync, each behind its permission."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sms.gateways.console import GatewayBackend as Console
from sms.models import SendingHold, SmsTemplate
from sms.system_templates import TEMPLATES
from tests.directory.factories import CadreFactory
from tests.sms.factories_admin import CampaignFactory, MessageFactory, user_with_role

pytestmark = pytest.mark.django_db
INBOX = "/admin/sms/inbox/"


def test_an_operator_sends_a_test_of_the_final_text_to_their_own_phone(client, settings):
    operator = user_with_role("sms_operator")
    CadreFactory(name="赵敏", phone="+8613900000001", user=operator)
    template = SmsTemplate.objects.create(code="SMS_2", name="提醒", text="${name}同志：${phrase}")
    campaign = CampaignFactory(text="", template=template, template_params={"phrase": "廉洁过节。"})
    client.force_login(operator)

    page = client.get(f"/admin/sms/campaign/inspect/{campaign.pk}/").content.decode()
    assert "王小明同志：廉洁过节。" in page and "data-quiet-hours" in page and "data-daily-cap" in page
    answer = client.post(f"/admin/sms/campaign/test/{campaign.pk}/", follow=True)

    assert Console.outbox == [("+8613900000001", settings.SMS_SIGNATURE + "赵敏同志：廉洁过节。")]
    assert "测试短信已发送至" in answer.content.decode()


def test_a_test_is_refused_clearly_without_a_phone_and_for_users_without_rights(client):
    operator = user_with_role("sms_operator")
    campaign = CampaignFactory()
    client.force_login(operator)
    answer = client.post(f"/admin/sms/campaign/test/{campaign.pk}/", follow=True)
    assert "未关联有手机号的干部" in answer.content.decode() and Console.outbox == []

    client.force_login(user_with_role("moderator"))
    assert client.post(f"/admin/sms/campaign/test/{campaign.pk}/").status_code in (302, 403)
    assert Console.outbox == []


def test_a_sending_hold_is_shown_on_the_campaign_page(client, settings):
    settings.SMS_GATEWAY = "console"
    SendingHold.objects.create(
        gateway="console",
        code="isv.AMOUNT_NOT_ENOUGH",
        reason="账户余额不足",
        until=timezone.now() + datetime.timedelta(minutes=10),
    )
    client.force_login(user_with_role("sms_operator"))
    page = client.get(f"/admin/sms/campaign/inspect/{CampaignFactory().pk}/").content.decode()
    assert "data-hold" in page and "账户余额不足" in page


def test_the_inbox_lists_replies_only_and_its_query_count_does_not_grow(client):
    operator = user_with_role("sms_operator")
    client.force_login(operator)
    MessageFactory(direction="in", kind="inbound", body="TD", cadre=CadreFactory(name="钱进"))
    MessageFactory(direction="out", body="【清河市纪委监委】出站短信")
    MessageFactory(direction="in", kind="inbound", body="你好", cadre=CadreFactory(name="孙丽"))

    page = client.get(INBOX).content.decode()
    assert "钱进" in page and "出站短信" not in page
    assert "处理方式" in page and "未匹配关键词，未自动回复" in page  # which handler took each reply, in words

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(INBOX).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(15):
        MessageFactory(direction="in", kind="inbound", body="帮助", cadre=CadreFactory())
    assert queries() <= few


def test_the_inbox_names_the_keyword_handler_of_each_reply(client):
    from sms import replies
    from sms.gateways import InboundMessage, get_gateway

    client.force_login(user_with_role("sms_operator"))
    CadreFactory(name="钱进", phone="+8613900000002")
    replies.receive(InboundMessage(sender="+8613900000002", body="ＴＤ。", provider_id="in-1"), get_gateway("console"))
    replies.receive(InboundMessage(sender="+8613900000002", body="帮助", provider_id="in-2"), get_gateway("console"))

    page = client.get(INBOX).content.decode()
    assert "退订（退订、TD、STOP）" in page and "帮助（帮助、HELP）" in page


def test_templates_are_listed_for_operators_and_sync_needs_a_post(client, fake_aliyun):
    client.force_login(user_with_role("sms_operator"))
    assert client.get("/admin/sms/template/").status_code == 200
    assert client.get("/admin/sms/template-sync/").status_code == 200
    provider = SmsTemplate.objects.filter(from_provider=True)
    assert provider.count() == 0  # the confirmation page changes nothing
    client.post("/admin/sms/template-sync/")
    assert provider.count() == 4 + len(TEMPLATES)  # the fake's, and the system messages' the fixture registered

    client.force_login(user_with_role("moderator"))
    assert client.post("/admin/sms/template-sync/").status_code in (302, 403)


@pytest.mark.parametrize(
    ("picked", "cron"),
    [
        ({"repeat": "daily", "repeat_time": "08:30"}, "30 8 * * *"),
        ({"repeat": "weekly", "repeat_time": "09:00", "repeat_weekday": "5"}, "0 9 * * 5"),
        ({"repeat": "monthly", "repeat_time": "10:15", "repeat_day": "1"}, "15 10 1 * *"),
    ],
)
def test_a_schedule_picked_in_words_becomes_the_cron_expression(client, picked, cron):
    from sms.models import Campaign
    from tests.sms.test_admin_campaigns import ADD, form_data

    client.force_login(user_with_role("sms_operator"))
    CadreFactory()
    answer = client.post(ADD, form_data(timing="recurring", **picked))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Campaign.objects.get().cron == cron
