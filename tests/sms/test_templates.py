"""Signatures and templates as data: synced from the provider, one rendering on every backend, approval rules."""

import pytest
from django.core.exceptions import ValidationError

from sms import dispatch, services, templating
from sms.error_codes import SmsErrorCode
from sms.gateways.console import GatewayBackend as Console
from sms.models import MessageKind, ReviewStatus, SignaturePurpose, SmsSignature, SmsTemplate
from sms.system_templates import TEMPLATES
from tests.directory.factories import CadreFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def warning_template():
    return SmsTemplate.objects.create(
        code="SMS_100000002",
        name="廉政提醒",
        text="${name}同志：${phrase}",
        variables=[{"name": "phrase", "type": "text", "max_length": 35}],
        from_provider=True,
    )


def test_sync_brings_templates_and_signatures_with_their_review_status(fake_aliyun):
    result = templating.sync_from_provider()

    # The fake's four, and the system messages' templates the fixture registered (sms.system_templates).
    assert (result.templates, result.signatures, result.withdrawn) == (4 + len(TEMPLATES), 2, 0)
    code = SmsTemplate.objects.get(code="SMS_100000003")
    assert (code.kind, code.review_status, code.text) == (
        "code",
        ReviewStatus.APPROVED,
        "您的验证码为${code}，5分钟内有效。",
    )
    assert templating.variables_of(code) == [{"name": "code", "type": "code", "max_length": 6}]
    assert SmsTemplate.objects.get(code="SMS_100000004").review_status == ReviewStatus.PENDING
    assert dict(SmsSignature.objects.values_list("name", "review_status")) == {
        "清河市纪委监委": ReviewStatus.APPROVED,
        "清河市政务服务": ReviewStatus.PENDING,
    }

    # The provider drops a template: it is kept (campaigns refer to it) but withdrawn; a second sync changes nothing.
    fake_aliyun.templates = [t for t in fake_aliyun.templates if t["TemplateCode"] != "SMS_100000002"]
    assert templating.sync_from_provider().withdrawn == 1
    assert SmsTemplate.objects.get(code="SMS_100000002").withdrawn
    assert templating.sync_from_provider().withdrawn == 0
    assert SmsTemplate.objects.filter(from_provider=True).count() == 4 + len(TEMPLATES)


def test_sync_is_refused_on_a_gateway_without_templates(settings):
    settings.SMS_GATEWAY = "console"
    with pytest.raises(ValidationError) as error:
        templating.sync_from_provider()
    assert error.value.code == SmsErrorCode.NO_PROVIDER_TEMPLATES


def test_console_and_aliyun_send_the_same_text_for_a_template(fake_aliyun, settings, approved, warning_template):
    department = DepartmentFactory(name="清河市财政局")
    CadreFactory(name="李明", phone="+8613900000001", department=department)
    params = {"phrase": "节日期间请严守八项规定。"}
    expected = "【清河市纪委监委】李明同志：节日期间请严守八项规定。"

    settings.SMS_GATEWAY = "console"
    run = dispatch.start_run(approved(text="", template=warning_template, template_params=params), "console")
    dispatch.dispatch_run(run.pk)
    assert Console.outbox == [("+8613900000001", expected)]

    settings.SMS_GATEWAY = "aliyun"
    run = dispatch.start_run(approved(text="", template=warning_template, template_params=params), "aliyun")
    dispatch.dispatch_run(run.pk)
    [sent] = fake_aliyun.sent_to("13900000001")
    # The provider got the template code and its parameters (not the catch-all), and rendered the same text.
    assert (sent["template_code"], sent["content"]) == ("SMS_100000002", expected)


def test_a_campaign_cannot_be_approved_with_a_template_the_provider_has_not_approved(make_campaign, author):
    template = SmsTemplate.objects.create(
        code="SMS_9", name="节前提醒", text="${holiday}将至，${phrase}", review_status=ReviewStatus.PENDING
    )
    campaign = make_campaign(text="", template=template, template_params={"holiday": "春节", "phrase": "廉洁过节"})
    with pytest.raises(ValidationError) as error:
        services.submit_campaign(campaign, author)
    assert error.value.code == SmsErrorCode.TEMPLATE_NOT_APPROVED and "节前提醒" in error.value.messages[0]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"phrase": "请" * 36}, "最多 35"),
        ({"phrase": "详见 https://example.cn"}, "链接"),
        ({}, "请填写"),
        ({"phrase": "好", "holiday": "春节"}, "没有变量"),
    ],
)
def test_parameters_breaking_the_provider_rules_are_refused_naming_the_rule(
    make_campaign, author, warning_template, params, words
):
    campaign = make_campaign(text="", template=warning_template, template_params=params)
    with pytest.raises(ValidationError) as error:
        services.submit_campaign(campaign, author)
    assert error.value.code == SmsErrorCode.TEMPLATE_PARAMETER and words in error.value.messages[0]


def test_a_verification_code_must_be_four_to_six_digits_or_letters():
    template = SmsTemplate(code="SMS_3", name="验证码", kind="code", text="您的验证码为${code}。")
    templating.validate_params(template, {"code": "123456"})
    with pytest.raises(ValidationError, match="4 至 6"):
        templating.validate_params(template, {"code": "12"})


def test_a_template_withdrawn_after_approval_sends_nothing(approved, cadres, warning_template):
    cadres(2)
    campaign = approved(text="", template=warning_template, template_params={"phrase": "廉洁过节"})
    SmsTemplate.objects.filter(pk=warning_template.pk).update(withdrawn=True)
    assert dispatch.start_run(campaign, "once") is None and Console.outbox == []


def test_free_text_without_an_approved_template_is_refused_on_a_templates_only_gateway(
    fake_aliyun, settings, make_campaign, author
):
    settings.ALIYUN_SMS_FALLBACK_TEMPLATE = ""
    with pytest.raises(ValidationError) as error:
        services.submit_campaign(make_campaign(text="随便写的内容"), author)
    assert error.value.code == SmsErrorCode.NO_TEMPLATE


def test_signatures_are_chosen_by_purpose(settings):
    SmsSignature.objects.create(name="清河市纪委监委", purpose=SignaturePurpose.CADRE_WARNING)
    SmsSignature.objects.create(name="清河政务", purpose=SignaturePurpose.VERIFICATION)
    SmsSignature.objects.create(name="未审核", purpose=SignaturePurpose.CITIZEN_NOTICE, review_status="pending")

    services.send_message("+8613900000002", "您的验证码为1234。", kind=MessageKind.CODE)
    services.send_message("+8613900000002", "请廉洁过节。", kind=MessageKind.CAMPAIGN)
    services.send_message(
        "+8613900000002", "您的申请已受理。", kind=MessageKind.NOTICE, purpose=SignaturePurpose.CITIZEN_NOTICE
    )

    bodies = [body for _to, body in Console.outbox]
    assert bodies == [
        "【清河政务】您的验证码为1234。",
        "【清河市纪委监委】请廉洁过节。",
        settings.SMS_CITIZEN_SIGNATURE + "您的申请已受理。",  # the pending one is not used: the citizens' setting is
    ]
