"""Alibaba Cloud delivery reports (SmsReport) and replies (SmsUp): pushed to a secret URL or pulled; idempotent,
forward-only, and replies answered through the reply-handler registry."""

import json
import time

import pytest
from django.db import OperationalError
from django.test import Client

from sms import provider_reports
from sms.gateways import get_gateway
from sms.models import DeliveryStatus, Direction, Message, MessageKind
from sms.services import send_message
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db
SECRET = "s3cret-path-0123456789"
REPORT = f"/sms/webhooks/aliyun/{SECRET}/report/"
UP = f"/sms/webhooks/aliyun/{SECRET}/up/"


@pytest.fixture
def pushing(fake_aliyun, settings):
    settings.ALIYUN_SMS_CALLBACK_SECRET = SECRET
    return fake_aliyun


def _post(path, payload, **extra):
    data = payload if isinstance(payload, bytes | str) else json.dumps(payload, ensure_ascii=False)
    return Client().post(path, data=data, content_type="application/json", **extra)


def _report(out_id, success=True, code="DELIVERED"):
    return {
        "phone_number": "13800000001",
        "send_time": "2026-12-03 10:00:00",
        "report_time": "2026-12-03 10:00:05",
        "success": success,
        "err_code": code,
        "err_msg": "用户接收成功",
        "sms_size": "1",
        "biz_id": "123^0",
        "out_id": out_id,
    }


def test_a_pushed_report_moves_the_message_forward_only_and_duplicates_change_nothing(pushing):
    message = send_message("+8613800000001", "请廉洁过节。")

    answer = _post(REPORT, [_report(message.provider_id)])
    assert answer.status_code == 200 and answer.json() == {"code": 0, "msg": "成功"}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DELIVERED

    # The same report again, and a late failure report: the message stays delivered.
    _post(REPORT, [_report(message.provider_id), _report(message.provider_id, success=False, code="MK:0001")])
    message.refresh_from_db()
    assert (message.status, message.error_code) == (DeliveryStatus.DELIVERED, "")


def test_a_failed_report_keeps_the_carrier_code(pushing):
    message = send_message("+8613800000001", "请廉洁过节。")
    _post(REPORT, [_report(message.provider_id, success=False, code="MK:0001")])
    message.refresh_from_db()
    assert (message.status, message.error_code) == (DeliveryStatus.UNDELIVERED, "MK:0001")


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"\xff\xfe",
        {"out_id": "x"},
        [{"out_id": "no-such-message", "success": True}],
        [{"success": 1}],
        [[]],
    ],
)
def test_malformed_pushes_and_unknown_messages_are_answered_received_and_change_nothing(pushing, payload, caplog):
    message = send_message("+8613800000001", "请廉洁过节。")
    answer = _post(REPORT, payload)
    assert answer.status_code == 200 and answer.json()["code"] == 0
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert "ignored" in caplog.text or "unknown message" in caplog.text or "malformed" in caplog.text


def test_a_wrong_secret_or_source_is_refused(pushing, settings):
    message = send_message("+8613800000001", "请廉洁过节。")
    assert _post("/sms/webhooks/aliyun/wrong/report/", [_report(message.provider_id)]).status_code == 404
    settings.ALIYUN_SMS_CALLBACK_SOURCES = ["100.64.0.0/10"]
    assert _post(REPORT, [_report(message.provider_id)]).status_code == 403
    assert _post(REPORT, [_report(message.provider_id)], REMOTE_ADDR="100.100.1.2").status_code == 200
    # The generic webhook URLs never authenticate an Aliyun push, whatever its body.
    forged = Client().post("/sms/webhooks/aliyun/inbound/", {"phone_number": "13800000001", "content": "TD"})
    assert forged.status_code == 403


def test_a_reply_td_opts_the_cadre_out_once_and_is_answered_through_the_registry(pushing):
    cadre = CadreFactory(phone="+8613800000003")
    up = {
        "phone_number": "13800000003",
        "send_time": "2026-12-03 10:00:00",
        "content": "TD",
        "sign_name": "清河市纪委监委",
        "dest_code": "",
        "sequence_id": 1234567890,
    }

    assert _post(UP, [up]).json()["code"] == 0
    assert _post(UP, [up]).json()["code"] == 0  # pushed twice

    cadre.refresh_from_db()
    assert cadre.sms_opt_in is False
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1
    [reply] = Message.objects.filter(kind=MessageKind.REPLY)
    assert pushing.sent_to("13800000003")[0]["content"] == reply.body


@pytest.mark.django_db(transaction=True)
def test_the_fake_pushes_reports_and_replies_over_http_to_the_site(live_server, pushing):
    pushing.configure(report_url=live_server.url + REPORT, up_url=live_server.url + UP, report_delay=0.05)
    CadreFactory(phone="+8613800000004")
    message = send_message("+8613800000004", "请廉洁过节。")
    pushing.uplink("13800000004", "帮助")

    deadline = time.monotonic() + 10
    while pushing.stats().get("pushes_ok", 0) < 2:
        assert time.monotonic() < deadline, pushing.stats()
        time.sleep(0.05)
    # SQLite's in-memory test database answers "table is locked" instead of waiting while the live server's
    # thread is still writing (the help reply): read again until it has finished.
    deadline = time.monotonic() + 10
    while True:
        try:
            message.refresh_from_db()
            inbound = Message.objects.filter(direction=Direction.INBOUND, body="帮助").exists()
            break
        except OperationalError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert message.status == DeliveryStatus.DELIVERED
    assert inbound


def test_without_push_reports_are_pulled_with_query_send_details(fake_aliyun):
    delivered = send_message("+8613800000001", "请廉洁过节。")
    fake_aliyun.configure(failed_numbers=["13800000002"])
    failed = send_message("+8613800000002", "请廉洁过节。")
    time.sleep(0.2)  # the fake's handsets answer after report_delay

    counts = provider_reports.pull_reports(get_gateway("aliyun"))

    assert counts == {"updated": 2}
    delivered.refresh_from_db()
    failed.refresh_from_db()
    assert (delivered.status, failed.status, failed.error_code) == ("delivered", "undelivered", "MK:0001")
    assert provider_reports.pull_reports(get_gateway("aliyun")) == {}  # nothing open any more


QUEUE = "Alicom-Queue-1234567890-SmsUp"


@pytest.fixture
def queued(fake_aliyun, settings):
    """Replies by pull: no push secret, the SmsUp queue configured, the fake's MNS serving it."""
    settings.ALIYUN_SMS_CALLBACK_SECRET = ""
    settings.ALIYUN_SMS_UP_QUEUE = QUEUE
    settings.ALIYUN_SMS_MNS_ENDPOINT = fake_aliyun.url
    settings.ALIYUN_SMS_MNS_TOKEN_ENDPOINT = fake_aliyun.endpoint
    fake_aliyun.configure(up_queue=QUEUE)
    return fake_aliyun


def test_without_push_replies_are_pulled_from_the_mns_queue_through_the_same_path(queued):
    from sms import tasks

    cadre = CadreFactory(phone="+8613800000005")
    up = queued.uplink("13800000005", "TD")
    queued.uplink("13800000005", "TD")  # a second reply, its own sequence id

    counts = tasks.pull_replies()

    assert counts == {"received": 2}
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is False
    inbound = Message.objects.filter(direction=Direction.INBOUND).order_by("pk")
    assert [m.provider_id for m in inbound][0] == f"up-{up['sequence_id']}"
    assert inbound[0].handled_by.endswith("opt_out")  # the inbox says which handler took it
    stats = queued.stats()
    assert (stats["mns_received"], stats["mns_deleted"]) == (2, 2) and tasks.pull_replies() == {}


def test_a_reply_received_again_after_a_crash_before_delete_is_applied_once(queued, monkeypatch):
    from sms import mns

    CadreFactory(phone="+8613800000006")
    queued.configure(mns_visibility=0.0)  # a message not deleted comes back at once
    queued.uplink("13800000006", "帮助")
    monkeypatch.setattr(mns.Queue, "delete", lambda self, handle: None)  # the worker dies before deleting
    assert provider_reports.pull_replies(get_gateway("aliyun"), limit=1) == {"received": 1}
    monkeypatch.undo()
    queued.configure(mns_visibility=30.0)

    assert provider_reports.pull_replies(get_gateway("aliyun")) == {"repeated": 1}
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1
    assert Message.objects.filter(kind=MessageKind.REPLY).count() == 1  # answered once


def test_a_bad_mns_signature_or_a_malformed_queued_item_changes_nothing(queued, monkeypatch):
    from sms import mns

    with queued._lock:
        queued.queue.append({"id": "X1", "body": "not json", "handle": "", "visible_at": 0.0})
    assert provider_reports.pull_replies(get_gateway("aliyun")) == {"malformed": 1}
    assert not queued.queue  # read, logged, deleted: it can never be applied

    queued.uplink("13800000007", "TD")
    monkeypatch.setattr(mns, "signature", lambda *args: "forged")
    assert provider_reports.pull_replies(get_gateway("aliyun")) == {"failed": 1}
    assert not Message.objects.filter(direction=Direction.INBOUND).exists() and len(queued.queue) == 1
