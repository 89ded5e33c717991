import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints import services
from complaints.models import RevealRecord, Stage, Status
from core.error_codes import CommonErrorCode

pytestmark = pytest.mark.django_db


def code_in(body):
    """The six-digit code of an SMS (the case reference has more digits, "10 minutes" fewer)."""
    return re.findall(r"(?<!\d)\d{6}(?!\d)", body)[0]


def test_full_workflow_publishes_each_kind_with_clocks(submit, investigator, city, published, sms_outbox):
    complaint = submit(is_anonymous="0", name="陈小明", phone="13912345678", related_reference="QF1").complaint
    services.assign(complaint, investigator, [investigator])
    services.acknowledge(complaint, investigator)
    services.accept(complaint, investigator, city.jw)
    services.start_investigation(complaint, investigator)
    services.conclude(complaint, investigator, "unsubstantiated", "经核查，反映问题不属实。")
    services.publish_update(
        complaint, investigator, "result", "经核查，反映问题不属实。", public_title="关于住建局某干部的举报"
    )
    services.publish_clarification(
        complaint, investigator, "张某", "住建局科长", "经查不属实，予以澄清。", "本人书面同意"
    )
    services.close(complaint, investigator, "已办结归档")
    kinds = [event.kind for event in published]
    assert kinds == [
        "complaint.received",
        "complaint.assigned",
        "complaint.acknowledged",
        "complaint.accepted",
        "complaint.investigation_started",
        "complaint.concluded",
        "complaint.update_published",
        "complaint.clarification_published",
        "complaint.closed",
    ]
    concluded = published[5]
    assert concluded.payload["decision"] == "unsubstantiated" and concluded.payload["final"] is True
    assert concluded.payload["concerned_department_id"] == city.zjj.pk
    assert concluded.payload["actor_department_id"] == city.jw.pk
    assert concluded.department_id == city.jw.pk and concluded.actor_id == investigator.pk
    assert all(event.payload["related_reference"] == "QF1" for event in published)
    assert published[-1].payload["reason"] == "已办结归档" and published[-1].payload["final"] is True
    # Each stage's clock stopped when the next began; no stage is left open after the conclusion.
    starts = [c for e in published for c in e.clocks if c.action == "start"]
    stops = [c for e in published for c in e.clocks if c.action == "stop"]
    assert {c.key for c in starts} == {c.key for c in stops}
    assert not Stage.objects.filter(ended_at__isnull=True).exists()
    # The named reporter got an SMS at each stage; no payload carries their name or phone.
    assert len(sms_outbox) == 6  # received, acknowledged, accepted, investigating, concluded, closed
    text = repr([event.payload for event in published])
    assert "陈小明" not in text and "13912345678" not in text


def test_not_accept_needs_reason_and_transfer_a_body(submit, investigator, published):
    complaint = submit().complaint
    with pytest.raises(ValidationError):
        services.not_accept(complaint, investigator, "  ")
    services.not_accept(complaint, investigator, "不属于纪检监察机关受理范围")
    assert complaint.status == Status.NOT_ACCEPTED and published[-1].payload["reason"]
    other = submit(concerned_person="刘某").complaint
    with pytest.raises(ValidationError):
        services.transfer(other, investigator, "")
    services.transfer(other, investigator, "市信访局")
    assert published[-1].payload["to_body"] == "市信访局"


def test_invalid_transition_refused(submit, investigator):
    complaint = submit().complaint
    with pytest.raises(ValidationError) as exc:
        services.start_investigation(complaint, investigator)
    assert exc.value.code == CommonErrorCode.INVALID_TRANSITION


def test_close_only_with_reason(submit, investigator):
    complaint = submit().complaint
    with pytest.raises(ValidationError):
        services.close(complaint, investigator, "")
    services.close(complaint, investigator, "重复举报，已并入 TS1")
    assert complaint.status == Status.CLOSED and complaint.closed_reason


def test_non_investigators_cannot_act(submit, handler, supervisor):
    complaint = submit().complaint
    for user in (handler, supervisor):
        with pytest.raises(PermissionDenied):
            services.acknowledge(complaint, user)


def test_reveal_only_by_assigned_investigator_with_reason_and_logged(
    submit, investigator, other_investigator, supervisor
):
    complaint = submit(is_anonymous="0", name="陈小明", phone="13912345678").complaint
    services.assign(complaint, investigator, [investigator])
    for user in (other_investigator, supervisor):
        with pytest.raises(PermissionDenied):
            services.reveal_reporter(complaint, user, "需要核实")
    with pytest.raises(ValidationError):
        services.reveal_reporter(complaint, investigator, "")
    identity = services.reveal_reporter(complaint, investigator, "需电话核实举报细节")
    assert identity == {"name": "陈小明", "phone": "+8613912345678"}
    assert RevealRecord.objects.get().user == investigator


def test_clarification_needs_unsubstantiated_and_consent(submit, investigator):
    complaint = submit().complaint
    with pytest.raises(ValidationError):
        services.publish_clarification(complaint, investigator, "张某", "科长", "澄清", "同意")
    services.acknowledge(complaint, investigator)
    services.accept(complaint, investigator)
    services.start_investigation(complaint, investigator)
    services.conclude(complaint, investigator, "unsubstantiated", "不属实")
    with pytest.raises(ValidationError) as exc:
        services.publish_clarification(complaint, investigator, "张某", "科长", "澄清", "")
    assert "consent_note" in exc.value.message_dict


def test_thread_messages_and_sms_on_reply(submit, investigator, sms_outbox):
    submission = submit(is_anonymous="0", name="陈小明", phone="13912345678")
    complaint = services.find_by_receipt(submission.complaint.reference, submission.receipt)
    services.reporter_message(complaint, "补充：时间是三月五日上午。")
    services.investigator_message(complaint, investigator, "收到，请问是否有书面材料？")
    assert [m.from_reporter for m in complaint.messages.all()] == [True, False]
    assert len(sms_outbox) == 2


def test_subscription_confirmed_by_code_then_notified(submit, investigator, sms_outbox):
    complaint = submit().complaint
    services.acknowledge(complaint, investigator)
    services.accept(complaint, investigator)
    services.publish_update(complaint, investigator, "opened", "已立案调查。", public_title="关于某局干部吃拿卡要问题")
    services.request_subscription(complaint, "13700001111", source="s")
    ((_key, (phone, body)),) = [item for item in sms_outbox.items() if item[0].startswith("complaints.subscribe")]
    code = code_in(body)
    with pytest.raises(ValidationError):
        services.confirm_subscription(complaint, "13700001111", "000000" if code != "000000" else "111111")
    services.confirm_subscription(complaint, "13700001111", code)
    services.start_investigation(complaint, investigator)
    services.publish_update(complaint, investigator, "investigation", "调查组已进驻。")
    assert any(key.startswith("complaints.follow") for key in sms_outbox)


def test_with_the_real_notice_queue(submit, sms_outbox, monkeypatch):
    """A named reporter's notice is a real Notice row, queued once per stage."""
    from sms import notices

    monkeypatch.setattr(notices, "queue_notice", sms_outbox.original)
    from sms.models import Notice

    complaint = submit(is_anonymous="0", name="陈小明", phone="13912345678").complaint
    notice = Notice.objects.get()
    assert notice.phone == "+8613912345678" and complaint.reference not in notice.body
    assert str(complaint.pk) not in notice.key.split(":")[0]


def test_stop_following_a_case_with_a_code_without_telling_who_follows(submit, investigator, sms_outbox, client):
    from complaints.models import Subscription

    complaint = submit().complaint
    services.acknowledge(complaint, investigator)
    services.accept(complaint, investigator)
    services.publish_update(complaint, investigator, "opened", "已立案调查。", public_title="关于某局干部的举报")

    def last_code():
        return code_in(list(sms_outbox.values())[-1][1])

    services.request_subscription(complaint, "13700001111", source="s")
    services.confirm_subscription(complaint, "13700001111", last_code())
    # A number that does not follow gets the same answer and no SMS.
    before = len(sms_outbox)
    assert services.request_subscription(complaint, "13700002222", source="s", stop=True) is None
    assert len(sms_outbox) == before
    services.request_subscription(complaint, "13700001111", source="s", stop=True)
    with pytest.raises(ValidationError):  # a follow code cannot stop, nor the other way round
        services.confirm_subscription(complaint, "13700001111", last_code(), stop=False)
    services.request_subscription(complaint, "13700001111", source="s", stop=True)
    services.confirm_subscription(complaint, "13700001111", last_code(), stop=True)
    assert Subscription.objects.get().unsubscribed_at is not None
    services.start_investigation(complaint, investigator)
    before = len(sms_outbox)
    services.publish_update(complaint, investigator, "investigation", "调查组已进驻。")
    assert len(sms_outbox) == before


def test_case_page_subscribe_flow(client, submit, investigator, sms_outbox):
    complaint = submit().complaint
    services.acknowledge(complaint, investigator)
    services.accept(complaint, investigator)
    services.publish_update(complaint, investigator, "opened", "已立案调查。", public_title="关于某局干部的举报")
    url = f"/complaints/cases/{complaint.reference}/"
    page = client.get(url)
    assert "已立案调查。" in page.content.decode() and "关于某局干部的举报" in page.content.decode()
    assert client.post(url, {"phone": "13700001111"}).status_code == 200
    code = code_in(list(sms_outbox.values())[-1][1])
    response = client.post(url, {"phone": "13700001111", "code": code})
    assert response.status_code == 200 and response.context["state"] == "confirmed"
    assert client.post(url, {"phone": "123"}).status_code == 400
