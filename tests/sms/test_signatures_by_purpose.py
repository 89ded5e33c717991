"""Issue 16: a citizen's SMS about their application is signed by the service centre, a cadre's by the commission;
with Aliyun the signature is the request's SignName, chosen per message."""

import pytest

from sms import notices, templating
from sms.models import Message, Notice, SignaturePurpose, SmsSignature
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db(transaction=True)
CITIZEN = "+8613800138000"


def sent_body(key):
    return Message.objects.get(pk=Notice.objects.get(key=key).message_id).body


def test_a_citizen_hears_from_the_service_centre_and_a_cadre_from_the_commission(settings):
    settings.SMS_GATEWAY = "console"
    notices.queue_notice("approvals.application:1:event:1", CITIZEN, "您的申请已受理。")
    cadre = CadreFactory(phone="+8613700000001")
    notices.queue_notice("supervision.clock:1:1:1", str(cadre.phone), "[预警] 请尽快办理。", cadre=cadre)
    assert sent_body("approvals.application:1:event:1") == "【清河市政务服务中心】您的申请已受理。"
    assert sent_body("supervision.clock:1:1:1") == "【清河市纪委监委】[预警] 请尽快办理。"


def test_a_complaint_reporter_hears_from_the_commission_the_complaint_went_to(settings):
    settings.SMS_GATEWAY = "console"
    notices.queue_notice("complaints.complaint:1:event:1", CITIZEN, "您的投诉已受理。")
    assert sent_body("complaints.complaint:1:event:1") == "【清河市纪委监委】您的投诉已受理。"


def test_the_signatures_are_settings_and_a_registered_signature_for_the_purpose_wins(settings):
    settings.SMS_CITIZEN_SIGNATURE = "【某市便民服务中心】"
    templating.forget()
    assert templating.signature_for(SignaturePurpose.CITIZEN_NOTICE) == "【某市便民服务中心】"
    assert templating.signature_for(SignaturePurpose.CADRE_WARNING) == settings.SMS_SIGNATURE
    SmsSignature.objects.create(name="清河政务", purpose=SignaturePurpose.CITIZEN_NOTICE)
    templating.forget()
    assert templating.signature_for(SignaturePurpose.CITIZEN_NOTICE) == "【清河政务】"
    assert templating.signature_for(SignaturePurpose.CADRE_WARNING) == settings.SMS_SIGNATURE


def test_aliyun_gets_the_sign_name_of_each_purpose(fake_aliyun):
    fake_aliyun.signs.append({"SignName": "清河市政务服务中心", "AuditStatus": "AUDIT_STATE_PASS"})
    templating.forget()
    notices.queue_notice("approvals.application:2:event:1", CITIZEN, "您的申请已受理。")
    cadre = CadreFactory(phone="+8613700000002")
    notices.queue_notice("supervision.clock:2:1:1", str(cadre.phone), "[预警] 请尽快办理。", cadre=cadre)
    assert [m["sign"] for m in fake_aliyun.sent_to("13800138000")] == ["清河市政务服务中心"]
    assert [m["sign"] for m in fake_aliyun.sent_to("13700000002")] == ["清河市纪委监委"]
