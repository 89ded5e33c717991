"""Inbound SMS: opt-out and opt-in keywords, help, the handler registry, and the confirmations sent back."""

import pytest
from django.utils import translation
from twilio.request_validator import RequestValidator

from directory.models import Cadre
from sms import replies
from sms.gateways import InboundMessage, get_gateway
from sms.models import Direction, Message, MessageKind, SubscriptionChange
from sms.subscriptions import set_subscription
from tests.directory.factories import CadreFactory

INBOUND_PATH = "/sms/webhooks/twilio/inbound/"


@pytest.fixture
def cadre(db):
    return CadreFactory(phone="+8613912345678")


@pytest.fixture
def text_in(client, fake_twilio):
    """Post a signed inbound SMS from a number, as Twilio would."""
    counter = iter(range(10**6))

    def text_in(sender, body):
        params = {"From": sender, "To": fake_twilio.from_number, "Body": body, "MessageSid": f"SM{next(counter):032x}"}
        url = f"http://testserver{INBOUND_PATH}"
        signature = RequestValidator(fake_twilio.auth_token).compute_signature(url, params)
        response = client.post(INBOUND_PATH, params, HTTP_X_TWILIO_SIGNATURE=signature)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/xml")
        return response

    return text_in


def zh(text):
    """A reply text as cadres get it (the catalogue may not have it yet: compare with whatever it gives)."""
    with translation.override("zh-hans"):
        return str(text)


def replies_to(fake, number):
    return [m["body"] for m in fake.sent_to(number)]


@pytest.mark.parametrize("body", ["退订", "ＳＴＯＰ", "td", " T。", "Unsubscribe!", "stop"])
def test_opt_out_keywords_unsubscribe_and_confirm(cadre, text_in, fake_twilio, body):
    text_in("+8613912345678", body)

    cadre.refresh_from_db()
    assert cadre.sms_opt_in is False
    assert cadre.sms_opt_in_changed_at is not None
    [change] = SubscriptionChange.objects.filter(cadre=cadre)
    assert (change.opted_in, change.source) == (False, SubscriptionChange.Source.SMS)
    [confirmation] = replies_to(fake_twilio, "+8613912345678")
    assert confirmation == f"【清河市纪委监委】{zh(replies.OPT_OUT_CONFIRMATION)}"
    inbound = Message.objects.get(direction=Direction.INBOUND)
    assert (inbound.kind, inbound.cadre, inbound.body, inbound.gateway) == (MessageKind.INBOUND, cadre, body, "twilio")
    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert (reply.kind, reply.cadre, reply.body) == (MessageKind.REPLY, cadre, confirmation)


def test_a_second_opt_out_writes_no_change_but_confirms_again(cadre, text_in, fake_twilio):
    text_in("+8613912345678", "TD")
    text_in("+8613912345678", "退订")

    assert SubscriptionChange.objects.filter(cadre=cadre).count() == 1
    assert len(replies_to(fake_twilio, "+8613912345678")) == 2


def test_start_opts_back_in(cadre, text_in, fake_twilio):
    set_subscription(cadre, False, SubscriptionChange.Source.ADMIN)

    text_in("+8613912345678", "订阅")

    cadre.refresh_from_db()
    assert cadre.sms_opt_in is True
    assert list(SubscriptionChange.objects.filter(cadre=cadre).values_list("opted_in", "source")) == [
        (True, "sms"),
        (False, "admin"),
    ]
    assert replies_to(fake_twilio, "+8613912345678")[0].endswith(zh(replies.OPT_IN_CONFIRMATION))


def test_help_answers(cadre, text_in, fake_twilio):
    text_in("+8613912345678", "帮助")

    [answer] = replies_to(fake_twilio, "+8613912345678")
    assert answer.endswith(zh(replies.HELP_TEXT))
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is True


def test_other_text_is_logged_and_not_answered(cadre, text_in, fake_twilio):
    text_in("+8613912345678", "收到，谢谢")

    assert Message.objects.filter(direction=Direction.INBOUND, cadre=cadre).count() == 1
    assert fake_twilio.stats()["accepted"] == 0


def test_unknown_number_cannot_opt_out_but_gets_help(db, text_in, fake_twilio):
    text_in("+8613700000000", "TD")
    text_in("+8613700000000", "HELP")

    assert Message.objects.filter(direction=Direction.INBOUND, cadre=None).count() == 2
    assert len(replies_to(fake_twilio, "+8613700000000")) == 1
    assert not SubscriptionChange.objects.exists()


def test_the_same_inbound_delivered_twice_is_handled_once(cadre, client, fake_twilio):
    params = {"From": "+8613912345678", "Body": "TD", "MessageSid": "SM" + "b" * 32}
    signature = RequestValidator(fake_twilio.auth_token).compute_signature(f"http://testserver{INBOUND_PATH}", params)
    for _ in range(2):
        assert client.post(INBOUND_PATH, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 200

    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1
    assert len(replies_to(fake_twilio, "+8613912345678")) == 1


def test_a_failed_confirmation_keeps_the_opt_out(cadre, text_in, fake_twilio):
    fake_twilio.configure(fail_429=1.0)

    text_in("+8613912345678", "TD")

    cadre.refresh_from_db()
    assert cadre.sms_opt_in is False
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


@pytest.fixture
def registered():
    added = []

    def register(priority, func):
        added.append(replies.reply_handler(priority=priority)(func))

    yield register
    for func in added:
        replies.unregister_reply_handler(func)


def test_a_custom_handler_wins_by_priority(cadre, text_in, fake_twilio, registered):
    registered(50, lambda inbound, cadre: "quiz: B is right" if replies.normalise(inbound.body) in {"B", "T"} else None)
    registered(200, lambda inbound, cadre: "urgent" if inbound.body == "URGENT" else None)

    text_in("+8613912345678", "b")  # the quiz answers: nothing above it knows "B"
    text_in("+8613912345678", "URGENT")  # above opt-out
    text_in("+8613912345678", "T")  # opt-out outranks the quiz

    answers = replies_to(fake_twilio, "+8613912345678")
    assert answers[0].endswith("quiz: B is right")
    assert answers[1].endswith("urgent")
    assert answers[2].endswith(zh(replies.OPT_OUT_CONFIRMATION))
    assert Cadre.objects.get(pk=cadre.pk).sms_opt_in is False


def test_a_broken_handler_does_not_stop_the_others(cadre, registered):
    def broken(inbound, cadre):
        raise RuntimeError("bug")

    registered(500, broken)

    answer = replies.answer(InboundMessage(sender="+8613912345678", body="HELP"), cadre)
    assert answer == zh(replies.HELP_TEXT)


def test_replies_work_on_the_console_gateway(cadre):
    from sms.gateways.console import GatewayBackend

    GatewayBackend.outbox.clear()
    replies.receive(InboundMessage(sender="+8613912345678", body="退订", provider_id=""), get_gateway("console"))

    [(to, body)] = GatewayBackend.outbox
    assert to == "+8613912345678" and body.endswith(zh(replies.OPT_OUT_CONFIRMATION))
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is False


@pytest.mark.parametrize(
    "text, keyword",
    [("ＳＴＯＰ", "STOP"), (" td ", "TD"), ("退订。", "退订"), ("Stop!!", "STOP"), ("【退订】", "退订"), ("", "")],
)
def test_normalise(text, keyword):
    assert replies.normalise(text) == keyword


def test_set_subscription_is_idempotent(cadre):
    assert set_subscription(cadre, True, SubscriptionChange.Source.APP) is None
    change = set_subscription(cadre, False, SubscriptionChange.Source.APP)
    assert change is not None and cadre.sms_opt_in is False
    assert set_subscription(cadre, False, SubscriptionChange.Source.APP) is None
    assert SubscriptionChange.objects.count() == 1
