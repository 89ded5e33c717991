"""The fake Twilio server itself: its out-of-process mode, and its real signed callbacks reaching the site."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings as django_settings

from sms.gateways import TemporaryError, get_gateway
from sms.models import DeliveryStatus, Message
from sms.services import send_message


def _json(url, data=None):
    request = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


@pytest.fixture
def fake_process():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.twilio_server", "--port", "0", "--account-sid", "AC" + "1" * 32]
        + ["--auth-token", "process-token"],
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_out_of_process_fake_is_configured_over_http(fake_process, settings):
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "process-token"
    settings.TWILIO_FROM = "+15005550006"
    settings.TWILIO_BASE_URL = fake_process
    gateway = get_gateway("twilio")

    assert _json(f"{fake_process}/_fake/config", {"fail_429": 1.0})["fail_429"] == 1.0
    with pytest.raises(TemporaryError):
        gateway.send("+8613800000001", "text")
    _json(f"{fake_process}/_fake/reset", {})
    gateway.send("+8613800000001", "text")
    gateway.send("+8613800000001", "text")

    stats = _json(f"{fake_process}/_fake/stats")
    assert (stats["accepted"], stats["per_recipient_max"], stats["duplicates"]) == (2, 2, 1)
    assert stats.get("rejected_429", 0) == 0  # reset cleared it


@pytest.mark.django_db(transaction=True)
def test_duplicated_out_of_order_callbacks_over_http_end_delivered(live_server, fake_twilio, settings):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    fake_twilio.configure(callback_delay=0.05, duplicate_callbacks=1.0, out_of_order=1.0)

    message = send_message("+8613800000001", "廉洁提醒")

    deadline = time.monotonic() + 10
    while fake_twilio.stats().get("callbacks_ok", 0) < 4:
        assert time.monotonic() < deadline, fake_twilio.stats()
        time.sleep(0.02)
    statuses = [params["MessageStatus"] for _url, params, _sig in fake_twilio.callbacks]
    assert statuses == ["delivered", "delivered", "sent", "sent"]
    assert fake_twilio.stats().get("callbacks_failed", 0) == 0
    message = Message.objects.get(pk=message.pk)
    assert message.status == DeliveryStatus.DELIVERED
