"""Approvals under electronic supervision, with the real receivers: clocks follow the case, the audit chain holds
every transition, and a complaint naming the tracking number shows on the case's supervision record."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from approvals import services
from approvals.services import timing
from directory.roles import role_group
from supervision import audit
from supervision import services as supervision
from supervision.models import Alert, Clock, ReceivedEvent
from tests.approvals.conftest import local, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def at(monkeypatch):
    moment = {"now": local(2026, 3, 2, 9, 0)}
    monkeypatch.setattr(timing, "now", lambda: moment["now"])

    def set_time(*args):
        moment["now"] = local(*args)

    return set_time


def test_clocks_follow_a_case_through_a_supplement_to_completion(submit, staff, at):
    at(2026, 3, 2, 9, 0)  # Monday
    application = submit().application
    subject = f"approvals.application:{application.pk}"
    application = services.accept_application(application, by=staff.window)
    case_clock = Clock.objects.get(key=subject)
    assert (case_clock.state, case_clock.due_at) == (Clock.State.RUNNING, application.due_at)

    at(2026, 3, 3, 10, 0)
    services.request_supplement(application, by=staff.sjj, materials=["场所平面图"])
    assert not Clock.objects.filter(subject=subject, state=Clock.State.RUNNING).exists()
    case_clock.refresh_from_db()
    assert case_clock.state == Clock.State.PAUSED

    at(2026, 3, 5, 10, 0)
    application.refresh_from_db()
    application = services.supplement_application(application, files=[(None, pdf("平面图.pdf"))])
    case_clock.refresh_from_db()
    assert case_clock.state == Clock.State.RUNNING
    assert case_clock.due_at == application.due_at > local(2026, 3, 9, 9, 0)  # the pause moved the deadline

    for step in application.steps.filter(order=1):
        services.decide_step(step, by=staff.sjj, approve=True, opinion="符合条件", legal_basis="食品安全法第35条")
    handlers = {"QH-ZJJ": staff.zjj, "QH-WJW": staff.wjw}
    for step in application.steps.filter(order=2).select_related("department"):
        services.decide_step(
            step, by=handlers[step.department.code], approve=True, opinion="同意", legal_basis="相关法规"
        )
    application.refresh_from_db()
    services.complete_application(application, by=staff.window, document=pdf("许可证.pdf"))

    assert set(Clock.objects.filter(subject=subject).values_list("state", flat=True)) == {Clock.State.STOPPED}
    kinds = list(ReceivedEvent.objects.filter(subject=subject).values_list("kind", flat=True))
    assert kinds[0] == "application.submitted" and kinds[-1] == "application.completed"
    assert {"application.accepted", "application.supplement_requested", "application.supplemented"} <= set(kinds)
    assert audit.verify() == []


def test_an_overdue_step_gets_its_cards_once(submit, staff, at):
    at(2026, 3, 2, 9, 0)
    application = services.accept_application(submit().application, by=staff.window)
    step = application.steps.get(order=1)

    late = step.due_at + datetime.timedelta(days=1)
    supervision.sweep(now=late)
    supervision.sweep(now=late)  # a second sweep of the same moment fires nothing new
    rungs = list(Alert.objects.filter(clock__key=f"approvals.step:{step.pk}").values_list("rung", flat=True))
    assert sorted(rungs) == ["warning", "yellow"]


def test_a_complaint_about_a_case_shows_on_its_supervision_timeline(submit, staff, at, client, city, django_user_model):
    from complaints import services as complaints
    from complaints.forms import ComplaintForm
    from tests.complaints.conftest import form_data

    at(2026, 3, 2, 9, 0)
    application = services.accept_application(submit().application, by=staff.window)
    form = ComplaintForm(form_data(city, related_reference=application.tracking_number))
    assert form.is_valid(), form.errors
    complaint = complaints.submit_complaint(form.cleaned_data, source="test").complaint

    supervisor = django_user_model.objects.create_user("supervisor-x", password="x")
    supervisor.groups.add(role_group("supervisor"))
    client.force_login(supervisor)
    response = client.get(reverse("supervision_timeline"), {"subject": f"approvals.application:{application.pk}"})
    page = response.content.decode()
    assert complaint.reference in page
    # Events are named in the reader's language, and the case links back to its own platform.
    with translation.override("zh-hans"):
        received, accepted = gettext("Complaint received"), gettext("Accepted")
    assert received != "Complaint received"
    assert f"<strong>{received}</strong>" in page and f"<strong>{accepted}</strong>" in page
    assert "complaint.received" not in page and "application.accepted" not in page
    assert reverse("approvals_admin:detail", args=[application.pk]) in page
