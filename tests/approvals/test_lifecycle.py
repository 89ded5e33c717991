import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import services
from approvals.models import ApplicationEvent, ApplicationStep, State, StepState
from approvals.services import timing
from tests.approvals.conftest import local, pdf


@pytest.fixture
def clock(monkeypatch):
    """Set the services' clock: clock.set(2026, 9, 30, 10, 0)."""

    class Clock:
        moment = local(2026, 3, 2, 9, 0)

        def set(self, *args):
            self.moment = local(*args)

    c = Clock()
    monkeypatch.setattr(timing, "now", lambda: c.moment)
    return c


def kinds(application):
    return list(ApplicationEvent.objects.filter(application=application).values_list("kind", flat=True))


def test_the_whole_lifecycle_with_parallel_review_completion_and_rating(submit, staff, published, clock, item):
    clock.set(2026, 3, 2, 9, 0)  # a Monday
    submission = submit()
    app = submission.application
    assert app.state == State.SUBMITTED and len(submission.code) == 8
    assert app.code_hash != submission.code

    clock.set(2026, 3, 2, 10, 0)
    app = services.accept_application(app, by=staff.window)
    assert app.state == State.IN_REVIEW
    assert app.due_at == local(2026, 3, 9, 10, 0)  # 5 working days
    review = app.steps.get(order=1)
    assert review.department.code == "QH-SJJ" and review.due_at == local(2026, 3, 4, 10, 0)

    clock.set(2026, 3, 3, 15, 0)
    services.decide_step(
        review, by=staff.sjj, approve=True, opinion="材料齐全，符合条件", legal_basis="食品安全法第35条"
    )
    joint = list(app.steps.filter(order=2).order_by("department__code"))
    assert [s.department.code for s in joint] == ["QH-WJW", "QH-ZJJ"]
    assert all(s.is_parallel and s.due_at == local(2026, 3, 6, 15, 0) for s in joint)

    services.decide_step(joint[0], by=staff.wjw, approve=True, opinion="同意", legal_basis="卫生法规")
    app.refresh_from_db()
    assert app.state == State.IN_REVIEW  # waits for the other co-reviewer
    services.decide_step(joint[1], by=staff.zjj, approve=True, opinion="同意", legal_basis="建筑法")
    app.refresh_from_db()
    assert app.state == State.APPROVED

    app = services.complete_application(app, by=staff.window, document=pdf("食品经营许可证.pdf"))
    assert app.state == State.COMPLETED and app.result_document.name.endswith(".pdf")
    assert "食品经营许可证" not in app.result_document.name
    app = services.rate_application(app, rating=5, comment="很快")
    with pytest.raises(ValidationError):
        services.rate_application(app, rating=4)

    assert kinds(app) == [
        "application.submitted",
        "step.started",
        "application.accepted",
        "step.started",
        "step.approved",
        "step.started",
        "step.started",
        "step.approved",
        "step.approved",
        "application.approved",
        "application.completed",
        "application.rated",
    ]
    by_kind = {e.kind: e for e in published}
    rows = list(ApplicationEvent.objects.filter(application=app))
    assert [e.id for e in published] == [r.pk for r in rows]
    accepted = by_kind["application.accepted"]
    assert accepted.payload["item"] == f"approvals.item:{item.pk}"
    assert accepted.payload["reference"] == app.tracking_number
    assert accepted.payload["materials_missing"] == []
    assert accepted.payload["fee_charged"] == "0.00" and accepted.payload["promised_working_days"] == 5
    assert accepted.payload["actor_department_id"] == staff.window.cadre.department_id
    assert [(c.key, c.action) for c in accepted.clocks] == [
        (f"approvals.step:{app.steps.get(order=0).pk}", "stop"),
        (f"approvals.application:{app.pk}", "start"),
    ]
    assert by_kind["application.completed"].payload["final"] is True
    assert by_kind["application.completed"].clocks[0].action == "stop"
    assert by_kind["application.rated"].payload["rating"] == 5
    assert all(e.occurred_at.microsecond == 0 for e in published)
    assert by_kind["step.approved"].department_id is not None


def test_sms_to_the_applicant_at_each_status_change(submit, staff):
    from sms.models import Notice

    app = submit().application
    services.accept_application(app, by=staff.window)
    notices = list(Notice.objects.filter(key__startswith=f"approvals.application:{app.pk}:").order_by("pk"))
    assert len(notices) == 2
    assert len({n.key for n in notices}) == 2
    assert app.tracking_number in notices[1].body
    assert str(notices[0].phone) == "+8613912345678"


def test_any_refusal_in_a_parallel_review_refuses_with_reasons(submit, staff):
    app = services.accept_application(submit().application, by=staff.window)
    services.decide_step(app.steps.get(order=1), by=staff.sjj, approve=True, opinion="同意", legal_basis="法1")
    zjj = app.steps.get(order=2, department__code="QH-ZJJ")
    wjw = app.steps.get(order=2, department__code="QH-WJW")
    services.decide_step(zjj, by=staff.zjj, approve=False, opinion="消防通道不符合要求", legal_basis="建筑法第十条")
    app.refresh_from_db()
    assert app.state == State.IN_REVIEW
    services.decide_step(wjw, by=staff.wjw, approve=True, opinion="同意", legal_basis="法2")
    app.refresh_from_db()
    assert app.state == State.REFUSED
    assert "消防通道不符合要求" in app.decision_reason and "市住房和城乡建设局" in app.decision_reason
    event = app.events.get(kind="application.refused")
    assert event.payload["decision"] == "refused" and event.payload["legal_basis"] == "建筑法第十条"
    app = services.complete_application(app, by=staff.sjj, document=pdf("不予许可决定书.pdf"))
    assert app.state == State.COMPLETED


def test_not_accepted_at_the_window_needs_reason_and_basis(submit, staff, published):
    app = submit().application
    with pytest.raises(ValidationError) as raised:
        services.refuse_acceptance(app, by=staff.window, reason="", legal_basis="")
    assert set(raised.value.message_dict) == {"reason", "legal_basis"}
    app = services.refuse_acceptance(
        app, by=staff.window, reason="不属于本机关职权范围", legal_basis="行政许可法第32条"
    )
    assert app.state == State.NOT_ACCEPTED
    assert published[-1].kind == "application.not_accepted"
    assert published[-1].payload["reason"] == "不属于本机关职权范围"
    with pytest.raises(ValidationError) as raised:
        services.accept_application(app, by=staff.window)
    assert raised.value.code == "invalid_transition"


def test_supplements_pause_the_clock_and_resume_with_the_time_left(submit, staff, published, clock):
    clock.set(2026, 3, 2, 10, 0)  # Monday
    app = services.accept_application(submit().application, by=staff.window)
    assert app.due_at == local(2026, 3, 9, 10, 0)
    step = app.steps.get(order=1)
    assert step.due_at == local(2026, 3, 4, 10, 0)

    clock.set(2026, 3, 3, 10, 0)  # Tuesday: the case has 4 working days left, the step 1
    app = services.request_supplement(app, by=staff.sjj, materials=["消防验收意见书", "卫生许可证"], note="请补齐")
    assert app.state == State.SUPPLEMENTING and app.supplement_count == 1 and not app.flagged
    event = published[-1]
    assert event.kind == "application.supplement_requested"
    assert event.payload["materials"] == ["消防验收意见书", "卫生许可证"] and "justification" not in event.payload
    assert {(c.key, c.action) for c in event.clocks} == {
        (f"approvals.step:{step.pk}", "pause"),
        (f"approvals.application:{app.pk}", "pause"),
    }
    with pytest.raises(ValidationError):  # the step is paused: not decidable by a handler meanwhile
        services.decide_step(step, by=staff.sjj, approve=True, opinion="x", legal_basis="y")

    clock.set(2026, 3, 10, 10, 0)  # a week later, Tuesday
    app = services.supplement_application(app, files=[(None, pdf("消防验收意见书.pdf"))])
    assert app.state == State.IN_REVIEW
    step.refresh_from_db()
    assert step.due_at == local(2026, 3, 11, 10, 0)  # 1 working day left
    assert app.due_at == local(2026, 3, 16, 10, 0)  # 4 working days left
    event = published[-1]
    assert event.kind == "application.supplemented"
    assert {(c.action, c.due_at) for c in event.clocks} == {("resume", step.due_at), ("resume", app.due_at)}


def test_a_second_supplement_request_needs_a_justification_and_is_flagged(submit, staff, published):
    app = submit().application
    app = services.request_supplement(app, by=staff.window, materials=["身份证复印件"])
    app = services.supplement_application(app, files=[(None, pdf())])
    assert app.state == State.SUBMITTED
    with pytest.raises(ValidationError) as raised:
        services.request_supplement(app, by=staff.window, materials=["房产证"])
    assert "justification" in raised.value.message_dict
    app = services.request_supplement(
        app, by=staff.window, materials=["房产证"], justification="首次审查时房产证未到期"
    )
    assert app.flagged and app.supplement_count == 2
    assert published[-1].payload["supplement_count"] == 2
    assert published[-1].payload["justification"] == "首次审查时房产证未到期"


def test_a_supplement_request_lists_something(submit, staff):
    with pytest.raises(ValidationError):
        services.request_supplement(submit().application, by=staff.window, materials=["", "  "])


def test_withdraw_stops_the_clocks(submit, staff, published):
    app = services.accept_application(submit().application, by=staff.window)
    app = services.withdraw_application(app, reason="不再需要")
    assert app.state == State.WITHDRAWN
    assert app.steps.filter(state=StepState.ACTIVE).count() == 0
    assert {c.action for c in published[-1].clocks} == {"stop"}


def test_submission_just_before_national_day_skips_the_holiday_and_counts_the_make_up_saturday(
    submit, staff, clock, item
):
    item.promised_days = 3
    item.save()
    clock.set(2026, 9, 30, 10, 0)  # Wednesday; 1-7 October are off, Saturday 10 October is worked
    app = services.accept_application(submit().application, by=staff.window)
    assert app.due_at == local(2026, 10, 10, 10, 0)
    assert app.steps.get(order=1).due_at == local(2026, 10, 9, 10, 0)


def test_a_deadline_in_a_year_the_calendar_does_not_know_is_accepted_and_provisional(submit, staff, clock, item):
    from core.workdays import is_provisional, package_years

    clock.set(max(package_years()), 12, 28, 10, 0)
    item.promised_days = 10
    item.save()
    app = services.accept_application(submit().application, by=staff.window)
    assert app.state != State.SUBMITTED and app.due_at is not None
    assert is_provisional(app.due_at)


def test_township_centre_handles_delegated_items(submit, staff, city):
    app = submit(centre=city.township_centre).application
    with pytest.raises(PermissionDenied):
        services.accept_application(app, by=staff.window)  # the city centre's staff, not this centre's
    app = services.accept_application(app, by=staff.township_window)
    assert app.state == State.IN_REVIEW
    from approvals import permissions
    from approvals.models import Application

    visible = Application.objects.filter(permissions.visible_applications_filter(staff.sjj)).distinct()
    assert app in visible  # the city department of the item sees it


def test_step_started_events_carry_a_clock_each(submit, staff, published):
    app = services.accept_application(submit().application, by=staff.window)
    started = [e for e in published if e.kind == "step.started"]
    assert len(started) == 2
    for event in started:
        (clock_,) = event.clocks
        assert clock_.action == "start" and clock_.due_at is not None
    assert ApplicationStep.objects.filter(application=app).count() == 2
