"""Redis (the broker) unreachable when a submission commits: the submission succeeds once, its SMS leaves later."""

import ast
import logging

import pytest
from django.urls import reverse
from django_q.models import Schedule

from complaints.models import Complaint
from core.enqueue import enqueue, enqueue_on_commit
from sms import notices
from sms.models import Message, Notice
from tests.complaints.conftest import form_data
from tests.resilience.conftest import broker_down

pytestmark = pytest.mark.django_db


def _sent_once(notice):
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert Message.objects.filter(phone=notice.phone, body__contains=notice.body).count() == 1


def test_enqueue_during_an_outage_logs_and_returns_nothing(caplog):
    with broker_down(), caplog.at_level(logging.WARNING):
        assert enqueue("sms.tasks.sweep_notices") is None
    assert "ConnectionError" in caplog.text


def test_enqueue_on_commit_never_raises_into_the_request(django_capture_on_commit_callbacks):
    with broker_down(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit("sms.tasks.sweep_notices")
    assert len(callbacks) == 1


def test_a_complaint_filed_while_the_broker_is_down_succeeds_once_and_its_sms_leaves_later(
    client, city, django_capture_on_commit_callbacks
):
    data = form_data(city, is_anonymous="0", name="陈小明", phone="13912345678")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints:new"), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["ok"] is True
    complaint = Complaint.objects.get()
    assert complaint.reference == response.json()["reference"]
    notice = Notice.objects.get()
    assert notice.status == Notice.Status.PENDING and not Message.objects.exists()
    # The broker is back: the minute sweep sends it, and a second sweep (or a late duplicate task) sends nothing.
    assert notices.sweep() == 1
    notices.sweep()
    notices.send_notice(notice.pk)
    _sent_once(notice)


def test_a_threshold_change_is_rescheduled_by_its_backstop_when_the_broker_is_down(
    django_capture_on_commit_callbacks,
):
    from supervision.models import ThresholdPolicy
    from supervision.services import _reschedule_name

    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        ThresholdPolicy.objects.create(policy="approvals.item:1", name="食品经营许可")
    backstop = Schedule.objects.get(name=_reschedule_name("approvals.item:1"))
    assert backstop.func == "supervision.tasks.reschedule_policy"
    # The broker is back and the backstop fires: its task runs (as a worker would run it) and removes it.
    from django_q.tasks import async_task

    async_task(backstop.func, *ast.literal_eval(backstop.args), sync=True)
    assert not Schedule.objects.filter(name=_reschedule_name("approvals.item:1")).exists()


def test_a_threshold_change_with_the_broker_up_leaves_no_backstop(django_capture_on_commit_callbacks):
    from supervision.models import ThresholdPolicy

    with django_capture_on_commit_callbacks(execute=True):
        ThresholdPolicy.objects.create(policy="approvals.item:2", name="施工许可")
    assert not Schedule.objects.filter(name__startswith="supervision.reschedule:").exists()


def test_a_backstop_asked_for_again_during_a_run_survives_that_run():
    from supervision import services, tasks

    services.request_reschedule("approvals.item:3")  # outside a transaction the fast path runs at once (sync)
    with broker_down():
        services.request_reschedule("approvals.item:3")
    first = Schedule.objects.get(name=services._reschedule_name("approvals.item:3"))
    # A run asked for by an earlier change finishes now: the newer request keeps its backstop.
    tasks.reschedule_policy("approvals.item:3", "an-older-generation")
    assert Schedule.objects.filter(pk=first.pk).exists()
