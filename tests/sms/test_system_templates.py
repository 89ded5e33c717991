"""The system's own messages (codes, notices, reminders, the quiz) are approved templates plus values: rendered the
same on every backend, sent to Aliyun as TemplateCode + TemplateParam, refused with the rule a value breaks."""

import json

import pytest

from sms import codes, notices, services, system_templates, templating
from sms.gateways.console import GatewayBackend as Console
from sms.models import Notice, SmsTemplate
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db
PHONE = "+8613900000001"
REMINDER = {"title": "学习党章", "deadline": "12-05 18:00"}


@pytest.fixture(autouse=True)
def _empty_outbox():
    Console.outbox.clear()


def test_every_system_message_has_a_seeded_approved_template_with_typed_variables():
    # A browser test's flush (the SQLite pass) empties what the data migration seeded: system_template() makes a
    # missing row from the same table the migration reads, and leaves a seeded one as it is.
    for key in system_templates.BY_KEY:
        system_templates.system_template(key)
    rows = {t.purpose: t for t in SmsTemplate.objects.exclude(purpose="")}
    assert set(rows) == set(system_templates.BY_KEY)  # seeded by the data migration
    for key, row in rows.items():
        assert row.usable, key
        # Every variable of the text is declared with a type and a limit the provider accepts (35 at most).
        declared = {v["name"] for v in row.variables}
        assert declared == set(row.variable_names()), key
        assert all(v["max_length"] <= 35 for v in templating.variables_of(row)), key


def test_console_sends_the_rendered_template_of_a_notice(settings):
    settings.SMS_GATEWAY = "console"
    cadre = CadreFactory(phone=PHONE)
    notice = notices.queue_notice(
        "study.task.1.1.last", PHONE, cadre=cadre, template="study.task_reminder", params=REMINDER
    )
    notices.send_notice(notice.pk)

    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert notice.template.purpose == "study.task_reminder" and notice.template_params == REMINDER
    expected = settings.SMS_SIGNATURE + "学习任务“学习党章”将于12-05 18:00截止，您尚未完成，请登录清风学习。"
    assert Console.outbox == [(PHONE, expected)]


def test_aliyun_gets_the_template_code_and_values_and_renders_the_same_text(fake_aliyun, settings):
    cadre = CadreFactory(phone=PHONE)
    notice = notices.queue_notice(
        "study.task.1.1.last", PHONE, cadre=cadre, template="study.task_reminder", params=REMINDER
    )
    notices.send_notice(notice.pk)

    notice.refresh_from_db()
    sent = fake_aliyun.sent_to("13900000001")
    assert notice.status == Notice.Status.SENT and len(sent) == 1
    assert sent[0]["template_code"] == settings.SMS_TEMPLATE_CODES["study.task_reminder"]
    # The provider's rendering of code + values is, to the character, what we logged (and what console sends).
    assert sent[0]["content"] == notice.message.body


def test_a_login_code_goes_to_aliyun_as_the_code_template(fake_aliyun, settings):
    CadreFactory(phone=PHONE)
    codes.request_code(PHONE, "203.0.113.9")

    sent = fake_aliyun.sent_to("13900000001")
    assert len(sent) == 1 and sent[0]["template_code"] == settings.SMS_TEMPLATE_CODES["login_code"]
    code = sent[0]["content"].split("验证码为")[1][:6]
    assert sent[0]["content"] == f"【清河市纪委监委】您的登录验证码为{code}，5分钟内有效。如非本人操作，请忽略本短信。"
    codes.verify_code(PHONE, code)  # the code the provider rendered is the one that logs in


def test_a_value_breaking_a_rule_keeps_the_notice_failed_with_the_rule_and_sends_nothing(settings):
    settings.SMS_GATEWAY = "console"
    too_long = {"title": "一" * 21, "deadline": "12-05 18:00"}
    notice = notices.queue_notice("study.task.2.1.last", PHONE, template="study.task_reminder", params=too_long)
    assert notice.status == Notice.Status.FAILED
    assert "title" in notice.error and "20" in notice.error  # names the variable and its limit
    wrong_type = notices.queue_notice(
        "study.task.3.1.last", PHONE, template="study.task_reminder", params={"title": "党章", "deadline": "明天"}
    )
    assert wrong_type.status == Notice.Status.FAILED and "deadline" in wrong_type.error
    unknown = notices.queue_notice("study.task.4.1.last", PHONE, template="no.such.template", params={})
    assert unknown.status == Notice.Status.FAILED and "no.such.template" in unknown.error
    assert Console.outbox == []


def test_clip_shortens_free_text_visibly_within_the_limit():
    assert system_templates.clip("学习贯彻党的二十届三中全会精神专题学习任务", 10) == "学习贯彻党的二十届…"
    assert system_templates.clip("短标题", 10) == "短标题"


def test_a_template_withdrawn_after_queueing_fails_the_notice_instead_of_sending(settings):
    settings.SMS_GATEWAY = "console"
    notice = notices.queue_notice("study.task.5.1.last", PHONE, template="study.task_reminder", params=REMINDER)
    SmsTemplate.objects.filter(purpose="study.task_reminder").update(withdrawn=True)
    Notice.objects.filter(pk=notice.pk).update(status=Notice.Status.PENDING)  # the after-commit task ran already

    assert notices.send_notice(notice.pk) in (Notice.Status.FAILED, None)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.FAILED and "撤销" in notice.error  # withdrawn by the provider


def test_sync_withdraws_a_system_template_the_provider_dropped(fake_aliyun, settings):
    code = settings.SMS_TEMPLATE_CODES["login_code"]
    fake_aliyun.templates = [t for t in fake_aliyun.templates if t["TemplateCode"] != code]
    system_templates.system_template("login_code")  # the row, even after a browser test's flush
    templating.sync_from_provider()
    assert SmsTemplate.objects.get(purpose="login_code").withdrawn


def test_the_provider_refuses_a_value_over_its_limit_and_so_do_we(fake_aliyun):
    # Sent past our checks (a hand-made request), the fake provider refuses it as Aliyun does.
    from sms.gateways import PermanentError, TemplateRef, get_gateway

    gateway = get_gateway()
    ref = TemplateRef(
        code=gateway.settings.SMS_TEMPLATE_CODES["study.task_reminder"], params={"title": "一" * 40, "deadline": "1"}
    )
    with pytest.raises(PermanentError) as error:
        gateway.send(PHONE, "【清河市纪委监委】x", template=ref)
    assert error.value.code == "isv.PARAM_LENGTH_LIMIT"
    json.dumps(ref.params)


def test_the_campaign_preview_and_the_sent_text_end_with_the_opt_out_line(settings, approved):
    from sms import dispatch

    settings.SMS_GATEWAY = "console"
    settings.SMS_OPT_OUT_LINE = "回复TD退订"
    CadreFactory(phone=PHONE)
    campaign = approved(text="节日期间请严守八项规定。")

    final = services.final_text(campaign)
    assert final == settings.SMS_SIGNATURE + "节日期间请严守八项规定。 回复TD退订"
    assert services.preview(campaign).characters == len(final)
    run = dispatch.start_run(campaign, "once")
    dispatch.dispatch_run(run.pk, budget=10, gateway=Console(settings))
    assert Console.outbox == [(PHONE, final)]
