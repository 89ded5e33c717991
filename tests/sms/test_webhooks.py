"""Twilio's webhooks: signatures, status callbacks (late, twice, out of order), garbage."""

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from sms.models import Delivery, DeliveryStatus, Direction, Message, MessageKind
from sms.services import send_message
from tests.directory.factories import CadreFactory

STATUS_PATH = "/sms/webhooks/twilio/status/"
INBOUND_PATH = "/sms/webhooks/twilio/inbound/"


def post_signed(client, token, path, params, signature=None):
    url = f"http://testserver{path}"
    signature = RequestValidator(token).compute_signature(url, params) if signature is None else signature
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def status_params(sid, status, code=""):
    params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status, "To": "+8613800000001"}
    if code:
        params["ErrorCode"] = code
    return params


@pytest.fixture
def sent(db, fake_twilio, settings):
    """A message sent through the fake, with its callbacks recorded instead of posted."""
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    fake_twilio.configure(callbacks=False, callback_delay=0.01)
    return send_message("+8613800000001", "廉洁过节", kind=MessageKind.NOTICE)


def test_urls_are_under_sms():
    assert reverse("sms:webhook_status", args=["twilio"]) == STATUS_PATH
    assert reverse("sms:webhook_inbound", args=["twilio"]) == INBOUND_PATH


def test_send_message_asks_for_status_callbacks(sent, fake_twilio):
    [callback_sent, callback_delivered] = fake_twilio.wait_for_callbacks(2)

    assert callback_sent[0] == f"http://testserver{STATUS_PATH}"
    assert [c[1]["MessageStatus"] for c in (callback_sent, callback_delivered)] == ["sent", "delivered"]
    assert sent.status == DeliveryStatus.QUEUED


def test_the_fakes_signed_callbacks_are_accepted_and_deliver_the_message(client, sent, fake_twilio):
    for _url, params, signature in fake_twilio.wait_for_callbacks(2):
        response = client.post(STATUS_PATH, params, HTTP_X_TWILIO_SIGNATURE=signature)
        assert response.status_code == 200

    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.DELIVERED
    assert sent.status_changed_at is not None


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", None])
def test_bad_or_missing_signature_is_forbidden_and_changes_nothing(client, sent, fake_twilio, signature):
    params = status_params(sent.provider_id, "delivered")
    if signature is None:  # signed with another token
        response = post_signed(client, "another-token", STATUS_PATH, params)
    elif signature == "":
        response = client.post(STATUS_PATH, params)
    else:
        response = client.post(STATUS_PATH, params, HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.QUEUED


def test_signature_covers_the_parameters(client, sent, fake_twilio):
    url = f"http://testserver{STATUS_PATH}"
    signature = RequestValidator(fake_twilio.auth_token).compute_signature(url, status_params(sent.provider_id, "sent"))

    response = client.post(STATUS_PATH, status_params(sent.provider_id, "delivered"), HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 403


def test_bad_signature_on_inbound_is_forbidden_and_logs_nothing(client, db, fake_twilio):
    cadre = CadreFactory()
    response = client.post(
        INBOUND_PATH, {"From": cadre.phone.as_e164, "Body": "TD", "MessageSid": "SM1"}, HTTP_X_TWILIO_SIGNATURE="x"
    )

    assert response.status_code == 403
    assert not Message.objects.exists()
    cadre.refresh_from_db()
    assert cadre.sms_opt_in is True


def test_out_of_order_callbacks_leave_the_message_delivered(client, sent, fake_twilio):
    token = fake_twilio.auth_token
    assert post_signed(client, token, STATUS_PATH, status_params(sent.provider_id, "delivered")).status_code == 200
    assert post_signed(client, token, STATUS_PATH, status_params(sent.provider_id, "sent")).status_code == 200

    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.DELIVERED


def test_duplicate_callback_is_a_no_op(client, sent, fake_twilio):
    token = fake_twilio.auth_token
    post_signed(client, token, STATUS_PATH, status_params(sent.provider_id, "sent"))
    sent.refresh_from_db()
    changed_at = sent.status_changed_at

    response = post_signed(client, token, STATUS_PATH, status_params(sent.provider_id, "sent"))

    assert response.status_code == 200
    sent.refresh_from_db()
    assert (sent.status, sent.status_changed_at) == (DeliveryStatus.SENT, changed_at)


def test_failure_records_the_error_code(client, sent, fake_twilio):
    post_signed(client, fake_twilio.auth_token, STATUS_PATH, status_params(sent.provider_id, "undelivered", "30003"))

    sent.refresh_from_db()
    assert (sent.status, sent.error_code) == (DeliveryStatus.UNDELIVERED, "30003")


def test_status_updates_the_campaign_delivery_too(client, db, fake_twilio):
    from sms.models import Campaign, CampaignRun

    cadre = CadreFactory()
    run = CampaignRun.objects.create(campaign=Campaign.objects.create(title="节前"), occurrence="once", body="x")
    delivery = Delivery.objects.create(
        run=run, cadre=cadre, phone=cadre.phone, status=DeliveryStatus.QUEUED, provider_id="SM" + "a" * 32
    )

    for status in ("sent", "delivered", "sent"):
        post_signed(client, fake_twilio.auth_token, STATUS_PATH, status_params(delivery.provider_id, status))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.delivered_at is not None and delivery.sent_at is not None


def test_unknown_sid_is_answered_200(client, db, fake_twilio):
    response = post_signed(client, fake_twilio.auth_token, STATUS_PATH, status_params("SM" + "0" * 32, "delivered"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response/>" in response.content


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"MessageSid": "SM123"},
        {"MessageSid": "SM123", "MessageStatus": "exploded"},
        {"MessageStatus": "delivered"},
        {"junk": "\x00\x01", "MessageSid": ""},
    ],
)
def test_garbage_status_payload_is_answered_200(client, sent, fake_twilio, params):
    response = post_signed(client, fake_twilio.auth_token, STATUS_PATH, params)

    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.QUEUED


def test_garbage_inbound_payload_is_answered_200(client, db, fake_twilio):
    response = post_signed(client, fake_twilio.auth_token, INBOUND_PATH, {"Nothing": "here"})

    assert response.status_code == 200
    assert not Message.objects.filter(direction=Direction.INBOUND).exists()


def test_unknown_gateway_is_404(client, db):
    assert client.post("/sms/webhooks/nosuch/status/", {}).status_code == 404
    assert client.post("/sms/webhooks/base/inbound/", {}).status_code == 404


def test_console_gateway_accepts_no_webhook(client, db):
    assert client.post("/sms/webhooks/console/status/", {}).status_code == 403


def test_webhooks_take_post_only(client, db, fake_twilio):
    assert client.get(STATUS_PATH).status_code == 405
