"""The Twilio backend through the real SDK against the fake server over real HTTP."""

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from sms.gateways import PermanentError, TemporaryError, get_gateway
from sms.models import DeliveryStatus

TO = "+8613800000001"


@pytest.fixture
def gateway(fake_twilio):
    return get_gateway()


def test_send_is_accepted_and_recorded(fake_twilio, gateway):
    result = gateway.send(TO, "清风：廉洁从政", status_callback="https://example.cn/sms/webhooks/twilio/status/")

    assert result.provider_id.startswith("SM") and len(result.provider_id) == 34
    assert result.status == DeliveryStatus.QUEUED
    [message] = fake_twilio.sent_to(TO)
    assert message["sid"] == result.provider_id
    assert message["body"] == "清风：廉洁从政"
    assert message["from"] == fake_twilio.from_number
    assert fake_twilio.stats()["accepted"] == 1


def test_every_request_goes_to_the_base_url(fake_twilio, gateway):
    for i in range(3):
        gateway.send(f"+861380000000{i}", "text")

    # Three creates reached the fake: nothing went to api.twilio.com (which would also fail auth here).
    assert fake_twilio.stats()["create_requests"] == 3


def test_wrong_credentials_are_refused_by_the_fake(fake_twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong"

    with pytest.raises(TemporaryError) as caught:
        get_gateway().send(TO, "text")

    assert caught.value.code == "20003"
    assert fake_twilio.stats()["accepted"] == 0


def test_rate_limited_is_temporary_and_certainly_not_sent(fake_twilio, gateway):
    fake_twilio.configure(fail_429=1.0, retry_after=7)

    with pytest.raises(TemporaryError) as caught:
        gateway.send(TO, "text")

    assert caught.value.maybe_sent is False
    assert caught.value.code == "20429"
    assert caught.value.retry_after == 7
    assert fake_twilio.stats()["accepted"] == 0


def test_max_rate_answers_429_above_the_rate(fake_twilio, gateway):
    fake_twilio.configure(max_rate=2)
    outcomes = []
    for i in range(5):
        try:
            gateway.send(f"+86138000000{i:02d}", "text")
            outcomes.append("ok")
        except TemporaryError as exc:
            assert not exc.maybe_sent
            outcomes.append("429")

    assert outcomes.count("ok") == 2
    assert fake_twilio.stats()["rejected_429"] == 3


def test_server_error_is_temporary_and_maybe_sent(fake_twilio, gateway):
    fake_twilio.configure(fail_500=1.0)

    with pytest.raises(TemporaryError) as caught:
        gateway.send(TO, "text")

    assert caught.value.maybe_sent is True


def test_accepted_then_server_error_is_found_afterwards(fake_twilio, gateway):
    since = timezone.now()
    fake_twilio.configure(accept_then_500=1.0)

    with pytest.raises(TemporaryError) as caught:
        gateway.send(TO, "廉洁提醒")

    assert caught.value.maybe_sent is True
    [message] = fake_twilio.sent_to(TO)
    assert gateway.find_sent(TO, "廉洁提醒", since) == message["sid"]


def test_timeout_is_maybe_sent_and_find_sent_finds_the_message(fake_twilio, settings):
    settings.TWILIO_TIMEOUT = 0.5
    gateway = get_gateway()
    since = timezone.now()
    fake_twilio.configure(timeout=1.0, hang_seconds=2)

    with pytest.raises(TemporaryError) as caught:
        gateway.send(TO, "节日廉洁提醒")

    assert caught.value.maybe_sent is True
    fake_twilio.configure(timeout=0)
    [message] = fake_twilio.sent_to(TO)
    # Still queued at the fake (no date_sent yet) and found anyway.
    assert gateway.find_sent(TO, "节日廉洁提醒", since) == message["sid"]


def test_find_sent_sees_sent_messages_through_the_date_filter(fake_twilio, gateway):
    fake_twilio.configure(callback_delay=0.01)
    since = timezone.now()
    sid = gateway.send(TO, "text one").provider_id
    gateway.send(TO, "text two")
    gateway.send("+8613800000002", "text one")
    fake_twilio.wait_for_callbacks(0)
    _wait(lambda: fake_twilio.stats()["by_status"].get("delivered") == 3)

    assert gateway.find_sent(TO, "text one", since) == sid
    assert gateway.find_sent(TO, "text three", since) is None
    # Nothing counts from before `since`.
    assert gateway.find_sent(TO, "text one", timezone.now() + timedelta(minutes=1)) is None


def test_connection_refused_is_temporary_and_not_sent(settings, fake_twilio):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.TWILIO_BASE_URL = f"http://127.0.0.1:{port}"

    with pytest.raises(TemporaryError) as caught:
        get_gateway().send(TO, "text")

    assert caught.value.maybe_sent is False


@pytest.mark.parametrize("code", [21211, 21610, 21614, 21408])
def test_refused_numbers_are_permanent_errors(fake_twilio, gateway, code):
    fake_twilio.configure(reject={TO: code})

    with pytest.raises(PermanentError) as caught:
        gateway.send(TO, "text")

    assert caught.value.code == str(code)


def test_malformed_number_is_a_permanent_error(fake_twilio, gateway):
    with pytest.raises(PermanentError) as caught:
        gateway.send("13800000001", "text")

    assert caught.value.code == "21211"


def test_one_backend_sends_from_many_threads(fake_twilio, gateway):
    numbers = [f"+86138{i:08d}" for i in range(64)]
    clients = {}

    def send(number):
        clients[threading.get_ident()] = gateway.client
        return gateway.send(number, "并发").provider_id

    with ThreadPoolExecutor(8) as pool:
        sids = list(pool.map(send, numbers))

    assert len(set(sids)) == 64
    stats = fake_twilio.stats()
    assert stats["accepted"] == 64 and stats["per_recipient_max"] == 1 and stats["duplicates"] == 0
    # requests.Session is not shared between threads: each has its own SDK client.
    assert len({id(c) for c in clients.values()}) == len(clients) > 1


@pytest.mark.parametrize(
    "twilio_status, ours",
    [
        ("accepted", "queued"),
        ("scheduled", "queued"),
        ("queued", "queued"),
        ("sending", "sending"),
        ("sent", "sent"),
        ("delivered", "delivered"),
        ("read", "delivered"),
        ("undelivered", "undelivered"),
        ("failed", "failed"),
        ("canceled", "failed"),
        ("DELIVERED", "delivered"),
    ],
)
def test_parse_status_maps_twilio_statuses(settings, twilio_status, ours):
    update = get_gateway("twilio").parse_status({"MessageSid": "SM1", "MessageStatus": twilio_status})
    assert (update.provider_id, update.status) == ("SM1", ours)


@pytest.mark.parametrize(
    "data",
    [None, [], "MessageSid=SM1", 42, {}, {"MessageSid": "SM1"}, {"MessageSid": ["SM1"], "MessageStatus": [7]}],
)
def test_parse_never_raises_on_garbage(data):
    gateway = get_gateway("twilio")
    assert gateway.parse_status(data) is None
    assert gateway.parse_inbound(data) is None


def test_parse_inbound_keeps_the_text_as_sent():
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update({"From": "+8613800000001", "To": "+15005550006", "Body": " 退订 ", "MessageSid": "SM9"})
    inbound = get_gateway("twilio").parse_inbound(data)

    assert (inbound.sender, inbound.body, inbound.provider_id) == ("+8613800000001", " 退订 ", "SM9")
    assert inbound.extra["To"] == "+15005550006"


def _wait(predicate, timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
