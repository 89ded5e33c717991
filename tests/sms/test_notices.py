"""Transactional notices: queued with the change they announce, sent once, retried, never doubled."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone, translation

from sms import notices
from sms.models import Message, Notice

PHONE = "+8613800138000"
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_notice_is_sent_after_commit_through_the_real_sdk(fake_twilio):
    with transaction.atomic():
        notice = notices.queue_notice("approvals.application:1:accepted", PHONE, "您的申请已受理。")
        assert fake_twilio.stats()["accepted"] == 0  # nothing leaves before the change commits

    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert notice.message.provider_id.startswith("SM")
    assert fake_twilio.sent_to(PHONE)[0]["body"].endswith("您的申请已受理。")


def test_the_same_key_twice_sends_once(fake_twilio):
    first = notices.queue_notice("k:1", PHONE, "一")
    again = notices.queue_notice("k:1", PHONE, "二")
    assert again.pk == first.pk
    assert fake_twilio.stats()["accepted"] == 1
    assert Message.objects.count() == 1


def test_a_rolled_back_change_sends_nothing(fake_twilio):
    with pytest.raises(RuntimeError), transaction.atomic():
        notices.queue_notice("k:rollback", PHONE, "不应发送")
        raise RuntimeError("the transition failed")
    assert not Notice.objects.exists()
    assert fake_twilio.stats()["accepted"] == 0


def test_a_bad_number_is_kept_as_failed_not_dropped(fake_twilio):
    notice = notices.queue_notice("k:landline", "+861088886666", "座机收不到短信")
    assert notice.status == Notice.Status.FAILED
    assert "not_mobile" in notice.error
    assert fake_twilio.stats()["accepted"] == 0


def test_a_rate_limited_attempt_is_retried_by_the_sweep(fake_twilio):
    fake_twilio.configure(fail_429=1.0)
    notice = notices.queue_notice("k:429", PHONE, "稍后重试")
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.uncertain) == (Notice.Status.PENDING, 1, False)

    fake_twilio.configure(fail_429=0.0)
    assert notices.sweep(now=timezone.now()) == 0  # not due yet: the backoff is respected
    assert notices.sweep(now=notice.next_attempt_at + datetime.timedelta(seconds=1)) == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert fake_twilio.stats()["accepted"] == 1


def test_an_attempt_the_provider_took_is_not_sent_again(fake_twilio):
    fake_twilio.configure(accept_then_500=1.0)
    notice = notices.queue_notice("k:500", PHONE, "只发一次")
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING and notice.uncertain

    fake_twilio.configure(accept_then_500=0.0)
    notices.sweep(now=notice.next_attempt_at + datetime.timedelta(seconds=1))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert fake_twilio.stats()["accepted"] == 1  # found at the provider, not resent


def test_a_notice_left_sending_by_a_crashed_worker_is_taken_back(fake_twilio, settings):
    notice = Notice.objects.create(
        key="k:crash",
        phone=PHONE,
        body="被中断的发送",
        status=Notice.Status.SENDING,
        uncertain=True,
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=settings.SMS_CLAIM_LEASE + 1),
    )
    assert notices.sweep() == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert fake_twilio.stats()["accepted"] == 1


def test_a_notice_being_sent_is_not_taken_twice(fake_twilio):
    notice = Notice.objects.create(
        key="k:busy", phone=PHONE, body="正在发送", status=Notice.Status.SENDING, next_attempt_at=timezone.now()
    )
    assert notices.send_notice(notice.pk) is None
    assert fake_twilio.stats()["accepted"] == 0


def test_a_refused_number_fails_after_one_attempt(fake_twilio):
    fake_twilio.configure(reject={PHONE: 21610})
    notice = notices.queue_notice("k:stop", PHONE, "已退订")
    notice.refresh_from_db()
    assert notice.status == Notice.Status.FAILED and notice.attempts == 1


def test_operators_read_notices_in_the_admin_and_cannot_change_them(client, django_user_model, fake_twilio):
    from directory.roles import role_group

    notices.queue_notice("approvals.application:9:accepted", PHONE, "您的申请已受理。")
    operator = django_user_model.objects.create_user("operator", password="x")
    operator.groups.add(role_group("sms_operator"))
    client.force_login(operator)

    notices.queue_notice("study.task.3.4.early", PHONE, "请按时完成学习任务。")
    listing = client.get("/admin/sms/notice/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert listing.status_code == 200
    html = listing.content.decode()
    # The list names what a notice is for, not its internal key (the key stays searchable and on the detail).
    assert "审批办件进度（告知申请人）" in html and "学习任务提醒" in html and "用途" in html
    assert "approvals.application:9:accepted" not in html
    with translation.override("zh-hans"):
        assert Notice(key="zzz:1").purpose == "其他通知"
    assert client.get("/admin/sms/notice/edit/1/").status_code == 404
    assert client.get("/admin/sms/notice/delete/1/").status_code == 404
