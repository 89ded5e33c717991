"""The Alibaba Cloud SMS backend: the official SDK against the fake server over real HTTP, faults included."""

import datetime
import logging

import pytest
from django.core import mail
from django.utils import timezone

from sms import dispatch
from sms.gateways import AccountError, DeferredError, PermanentError, TemporaryError, get_gateway
from sms.models import Delivery, DeliveryStatus, MessageKind, SendingHold
from sms.services import send_message

# The gateway reads the approved templates to turn a text back into template and parameters.
pytestmark = pytest.mark.django_db

TO = "+8613800000001"
BODY = "【清河市纪委监委】请廉洁过节，严守纪律。"


@pytest.fixture
def gateway(fake_aliyun):
    return get_gateway("aliyun")


def _since():
    return timezone.now() - datetime.timedelta(minutes=1)


def test_send_reaches_the_provider_as_signature_template_and_parameters(fake_aliyun, gateway):
    result = gateway.send(TO, BODY)

    [message] = fake_aliyun.sent_to("13800000001")
    assert (message["sign"], message["template_code"]) == ("清河市纪委监委", "SMS_100000001")
    assert message["content"] == BODY  # what the cadre reads is what we rendered
    assert result.provider_id == message["out_id"] and result.status == DeliveryStatus.SENT
    assert fake_aliyun.stats().get("bad_signatures", 0) == 0


def test_a_request_signed_with_the_wrong_secret_is_refused_and_retried_later(fake_aliyun, settings, caplog):
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "not-the-secret-0123456789"
    with caplog.at_level(logging.DEBUG), pytest.raises(TemporaryError) as error:
        get_gateway("aliyun").send(TO, BODY)
    assert error.value.code == "SignatureDoesNotMatch" and not error.value.maybe_sent
    assert fake_aliyun.stats()["accepted"] == 0 and fake_aliyun.stats()["bad_signatures"] == 1
    assert "not-the-secret" not in caplog.text + str(error.value) + repr(get_gateway("aliyun"))


def test_per_number_flow_control_defers_until_the_limit_allows(fake_aliyun, gateway):
    fake_aliyun.configure(per_minute=1, per_hour=2)
    gateway.send(TO, BODY)
    with pytest.raises(DeferredError) as minute:
        gateway.send(TO, "【清河市纪委监委】第二条")
    assert minute.value.code == "isv.BUSINESS_LIMIT_CONTROL" and minute.value.retry_after == 60
    assert not minute.value.maybe_sent
    fake_aliyun.configure(per_minute=0, per_hour=1)
    with pytest.raises(DeferredError) as hour:
        gateway.send(TO, "【清河市纪委监委】第三条")
    assert hour.value.retry_after == 3600
    gateway.send("+8613800000002", BODY)  # another number is not limited


@pytest.mark.parametrize("code", ["isv.MOBILE_NUMBER_ILLEGAL", "isv.BLACK_KEY_CONTROL_LIMIT"])
def test_invalid_or_blacklisted_numbers_are_permanent_with_the_reason(fake_aliyun, gateway, code):
    fake_aliyun.configure(reject={"13800000001": code})
    with pytest.raises(PermanentError) as error:
        gateway.send(TO, BODY)
    assert error.value.code == code and "号码被拒绝" in str(error.value)


def test_a_text_without_a_matching_template_is_refused_before_any_request(fake_aliyun, settings):
    settings.ALIYUN_SMS_FALLBACK_TEMPLATE = ""
    with pytest.raises(PermanentError) as error:
        get_gateway("aliyun").send(TO, BODY)
    assert error.value.code == "no_template" and fake_aliyun.stats().get("send_requests", 0) == 0


def test_balance_exhausted_is_an_account_error(fake_aliyun, gateway):
    fake_aliyun.configure(amount_not_enough=True)
    with pytest.raises(AccountError) as error:
        gateway.send(TO, BODY)
    assert error.value.code == "isv.AMOUNT_NOT_ENOUGH" and not error.value.maybe_sent


def test_throttling_is_temporary_and_certainly_not_sent(fake_aliyun, gateway):
    fake_aliyun.configure(throttle=1.0)
    with pytest.raises(TemporaryError) as error:
        gateway.send(TO, BODY)
    assert error.value.code == "Throttling.User" and not error.value.maybe_sent


def test_a_server_error_after_accepting_is_maybe_sent_and_find_sent_finds_it(fake_aliyun, gateway):
    fake_aliyun.configure(accept_then_500=1.0)
    since = _since()
    with pytest.raises(TemporaryError) as error:
        gateway.send(TO, BODY)
    assert error.value.maybe_sent
    [message] = fake_aliyun.sent_to("13800000001")
    assert gateway.find_sent(TO, BODY, since) == message["out_id"]
    assert gateway.find_sent(TO, "【清河市纪委监委】别的内容", since) is None
    assert gateway.find_sent("+8613800000009", BODY, since) is None


def test_a_timeout_is_maybe_sent(fake_aliyun, gateway):
    fake_aliyun.configure(timeout=1.0, hang_seconds=2)
    with pytest.raises(TemporaryError) as error:
        gateway.send(TO, BODY)
    assert error.value.maybe_sent
    fake_aliyun.configure(timeout=0)
    assert gateway.find_sent(TO, BODY, _since())


def test_an_unreachable_endpoint_is_temporary_and_not_sent(settings, fake_aliyun):
    settings.ALIYUN_SMS_ENDPOINT = "127.0.0.1:1"
    with pytest.raises(TemporaryError) as error:
        get_gateway("aliyun").send(TO, BODY)
    assert not error.value.maybe_sent


def test_send_message_logs_the_provider_id(fake_aliyun):
    message = send_message(TO, "您的验证码为123456，5分钟内有效。", kind=MessageKind.CODE)
    [sent] = fake_aliyun.sent_to("13800000001")
    assert message.provider_id == sent["out_id"] and message.gateway == "aliyun"


def test_a_campaign_under_flow_control_and_server_errors_reaches_everyone_once(fake_aliyun, approved, cadres):
    people = cadres(12)
    fake_aliyun.configure(seed=3, flow_control=0.3, accept_then_500=0.2, fail_500=0.1)
    run = dispatch.start_run(approved(), "once")
    for _ in range(60):
        Delivery.objects.filter(run=run, status__in=["queued", "sending"]).update(next_attempt_at=None)
        if dispatch.dispatch_run(run.pk, budget=5).state == "done":
            break
    stats = fake_aliyun.stats()
    assert stats["flow_control"] > 0 and stats["accepted"] == len(people) and stats["duplicates"] == 0
    assert set(run.deliveries.values_list("status", flat=True)) == {"sent"}


def test_balance_exhausted_holds_the_campaign_alerts_operators_and_uses_no_attempt(
    fake_aliyun, approved, cadres, django_user_model, django_capture_on_commit_callbacks
):
    cadres(3)
    django_user_model.objects.create_superuser("boss", "boss@example.cn", "x")
    fake_aliyun.configure(amount_not_enough=True)
    run = dispatch.start_run(approved(), "once")

    with django_capture_on_commit_callbacks(execute=True):
        result = dispatch.dispatch_run(run.pk, budget=5)

    hold = SendingHold.objects.get()
    assert result.state == "wait" and result.resume_at == hold.until and hold.code == "isv.AMOUNT_NOT_ENOUGH"
    assert [m.to for m in mail.outbox] == [["boss@example.cn"]]
    assert list(run.deliveries.values_list("status", "attempts").distinct()) == [("queued", 0)]
    assert dispatch.dispatch_run(run.pk, budget=5).state == "wait"  # still held: nothing claimed
    assert fake_aliyun.stats()["send_requests"] == 3

    # Topped up: once the hold runs out, everyone gets the message, and there was only one alert.
    fake_aliyun.configure(amount_not_enough=False)
    SendingHold.objects.update(until=timezone.now())
    Delivery.objects.filter(run=run).update(next_attempt_at=None)
    assert dispatch.dispatch_run(run.pk, budget=5).state == "done"
    assert fake_aliyun.stats()["accepted"] == 3 and len(mail.outbox) == 1
