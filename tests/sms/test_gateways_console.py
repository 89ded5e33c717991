"""The embedded default gateway: nothing leaves the machine, everything is printed and kept."""

from sms.gateways import get_gateway
from sms.gateways.console import GatewayBackend
from sms.models import DeliveryStatus, Direction, Message, MessageKind
from sms.services import send_message


def test_console_is_the_default(settings):
    assert settings.SMS_GATEWAY == "console"
    assert get_gateway().name == "console"


def test_send_message_prints_keeps_and_logs(db, caplog):
    caplog.set_level("INFO", logger="sms.gateways.console")

    message = send_message("+8613800000001", "明天上午九点开会", kind=MessageKind.NOTICE)

    assert GatewayBackend.outbox == [("+8613800000001", "【清河市纪委监委】明天上午九点开会")]
    assert "明天上午九点开会" in caplog.text
    stored = Message.objects.get()
    assert stored == message
    assert (stored.direction, stored.status, stored.gateway) == (Direction.OUTBOUND, DeliveryStatus.SENT, "console")
    assert stored.provider_id.startswith("console-")
    assert (stored.encoding, stored.segments) == ("UCS-2", 1)


def test_console_never_claims_a_message_was_sent_before():
    from django.utils import timezone

    assert get_gateway("console").find_sent("+8613800000001", "x", timezone.now()) is None
