"""Data minimisation: citizens' numbers leave settled SMS logs; logs and counters go after their retention."""

import datetime

import pytest
from django.utils import timezone

from sms import notices, retention
from sms.models import DailySendCount, DeliveryStatus, Message, Notice, OneTimeCode
from sms.tasks import SCHEDULES, minimise_logs
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db

CITIZEN = "+8613912345678"


def _sent(key, phone, cadre=None, status=DeliveryStatus.DELIVERED):
    notice = notices.queue_notice(key, phone, "您的申请已受理。", cadre=cadre)
    notices.send_notice(notice.pk)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    Message.objects.filter(pk=notice.message_id).update(status=status)
    return notice


def test_a_settled_citizen_notice_keeps_only_a_keyed_hash_of_the_number(admin_client):
    applicant = _sent("approvals.application:1:event:1", CITIZEN)
    reporter = _sent("complaints.reporter:abc", "+8613900001111")
    waiting = _sent("approvals.application:1:event:2", CITIZEN, status=DeliveryStatus.SENT)
    cadre = CadreFactory()
    staff = _sent("supervision.alert:1", cadre.phone, cadre=cadre)

    assert minimise_logs()["erased"] == 2
    for notice in (applicant, reporter):
        notice.refresh_from_db()
        assert str(notice.phone) == "" and str(notice.message.phone) == ""
        assert (
            notice.phone_digest
            == notice.message.phone_digest
            == retention.phone_digest(CITIZEN if notice == applicant else "+8613900001111")
        )
    assert CITIZEN not in notice.phone_digest
    waiting.refresh_from_db()
    staff.refresh_from_db()
    assert str(waiting.phone) == CITIZEN  # no delivery report yet: it may still be retried or looked up
    assert staff.phone == cadre.phone  # a cadre's number is the staff directory's
    # The operator still finds what was sent to a number, by the number.
    response = admin_client.get("/admin/sms/notice/", {"q": "139 1234 5678"})
    page = response.content.decode()
    listing = page[page.find("<table") : page.find("</table>")] or page[-3000:]
    # The list names a notice by its purpose (in the language the page was drawn in), not by its internal key.
    assert applicant.purpose in page and reporter.purpose not in page, (response.status_code, listing)
    assert applicant.key not in page


def test_a_sent_notice_without_a_report_is_settled_after_three_days():
    notice = _sent("complaints.reporter:old", CITIZEN, status=DeliveryStatus.SENT)
    assert retention.erase_citizen_numbers() == 0
    assert retention.erase_citizen_numbers(now=timezone.now() + datetime.timedelta(hours=73)) == 1
    notice.refresh_from_db()
    assert str(notice.phone) == "" and notice.phone_digest


def test_logs_and_counters_are_deleted_after_their_retention(settings):
    settings.RETENTION_SMS_LOG_DAYS = 30
    _sent("approvals.application:2:event:1", CITIZEN)
    DailySendCount.objects.create(phone=CITIZEN, day=timezone.localdate() - datetime.timedelta(days=3), count=2)
    today = DailySendCount.objects.create(phone=CITIZEN, day=timezone.localdate(), count=1)
    OneTimeCode.objects.create(phone=CITIZEN, code_hash="x", expires_at=timezone.now())
    OneTimeCode.objects.filter().update(created_at=timezone.now() - datetime.timedelta(days=8))
    now = retention.purge_expired()
    assert now == {"notices": 0, "messages": 0, "daily counts": 1, "codes": 1}
    assert DailySendCount.objects.get() == today and Notice.objects.exists()
    later = retention.purge_expired(now=timezone.now() + datetime.timedelta(days=31))
    assert later["notices"] == later["messages"] == 1
    assert not Notice.objects.exists() and not Message.objects.exists()
    assert "sms.minimise_logs" in {schedule.name for schedule in SCHEDULES}
