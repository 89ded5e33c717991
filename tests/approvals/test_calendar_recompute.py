"""Entering the year's holiday schedule moves open approval deadlines once, tells each applicant once, and leaves
closed cases alone."""

from datetime import date as D

import pytest

from approvals import services
from approvals.models import State, StepState
from approvals.services import timing
from core import calendar, workdays
from core.holiday_notice import parse_notice
from core.models import CalendarRecompute
from sms.models import Notice
from supervision.models import Clock as SupervisedClock
from tests.approvals.conftest import local

TODAY = D(2026, 12, 3)
# A made-up 2027 notice: New Year's Day bridged to Monday 4 January, without a make-up day.
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至4日（周一）放假调休，共4天。\n"


@pytest.fixture
def accepted(monkeypatch, submit, staff, item):
    monkeypatch.setattr(timing, "now", lambda: local(2026, 12, 3, 10, 0))
    item.promised_days = 25
    item.save()
    return services.accept_application(submit().application, by=staff.window)


def enter_2027():
    schedule = calendar.save_schedule(parse_notice(NOTICE_2027), today=TODAY)
    run = CalendarRecompute.objects.get(year=2027)
    return schedule, run


def test_a_provisional_promise_moves_with_the_official_schedule_and_the_applicant_is_told_once(accepted):
    before = accepted.due_at
    assert workdays.is_provisional(before)
    _schedule, run = enter_2027()
    assert calendar.recompute_deadlines(run.pk, today=TODAY) >= 1
    accepted.refresh_from_db()
    assert timezone_date(accepted.due_at) == workdays.add_working_days(timezone_date(before), 1)
    assert accepted.due_at.time() == before.time() and not workdays.is_provisional(accepted.due_at)
    assert accepted.events.filter(kind="application.deadline_recomputed").count() == 1
    notices = Notice.objects.filter(key__startswith=f"approvals.application:{accepted.pk}:event:")
    assert notices.filter(body__contains=accepted.tracking_number).count() >= 1
    recomputed = accepted.events.get(kind="application.deadline_recomputed")
    assert Notice.objects.filter(key=f"approvals.application:{accepted.pk}:event:{recomputed.pk}").count() == 1
    assert SupervisedClock.objects.get(key=accepted.subject).due_at == accepted.due_at


def test_running_the_recomputation_twice_moves_nothing_twice(accepted):
    _schedule, run = enter_2027()
    calendar.recompute_deadlines(run.pk, today=TODAY)
    accepted.refresh_from_db()
    moved_to = accepted.due_at
    assert calendar.recompute_deadlines(run.pk, today=TODAY) == 0
    CalendarRecompute.objects.filter(pk=run.pk).update(status="running")  # as if a worker died after finishing
    calendar.recompute_deadlines(run.pk, today=TODAY)
    accepted.refresh_from_db()
    assert accepted.due_at == moved_to
    assert accepted.events.filter(kind="application.deadline_recomputed").count() == 1


def test_closed_cases_never_change(accepted):
    accepted = services.withdraw_application(accepted, reason="不再需要")
    due = accepted.due_at
    _schedule, run = enter_2027()
    calendar.recompute_deadlines(run.pk, today=TODAY)
    accepted.refresh_from_db()
    assert accepted.state == State.WITHDRAWN and accepted.due_at == due
    assert not accepted.events.filter(kind="application.deadline_recomputed").exists()


def test_active_steps_move_too(accepted):
    step = accepted.steps.get(state=StepState.ACTIVE)
    _schedule, run = enter_2027()
    calendar.recompute_deadlines(run.pk, today=TODAY)
    step.refresh_from_db()
    assert not workdays.is_provisional(step.due_at) or step.due_at.year == 2026


def test_an_unanswered_bad_ratings_answer_moves_and_its_clock_with_it(monkeypatch, accepted):
    from approvals.services import ratings

    monkeypatch.setattr(ratings, "ANSWER_WORKING_DAYS", 25)  # rated on 3 December, due in January 2027
    bad = services.rate(accepted, step=accepted.steps.get(order=0), rating=1, reasons=["slow"])
    before = bad.answer_due_at
    assert before.year == 2027 and workdays.is_provisional(before)
    _schedule, run = enter_2027()
    calendar.recompute_deadlines(run.pk, today=TODAY)
    bad.refresh_from_db()
    # 4 January is off in the notice: the answer is due a working day later, the clock with it.
    assert timezone_date(bad.answer_due_at) == workdays.add_working_days(timezone_date(before), 1)
    assert SupervisedClock.objects.get(key=f"approvals.rating:{bad.pk}").due_at == bad.answer_due_at


def test_an_answered_bad_rating_keeps_its_date(monkeypatch, accepted, staff):
    from approvals.services import ratings

    monkeypatch.setattr(ratings, "ANSWER_WORKING_DAYS", 25)
    bad = services.rate(accepted, step=accepted.steps.get(order=0), rating=1, reasons=["slow"])
    services.answer_rating(
        bad,
        by=staff.window,
        verdict="partly",
        rectification="已提醒窗口人员按时限办理并向申请人说明。",
        revisit="basically",
    )
    _schedule, run = enter_2027()
    calendar.recompute_deadlines(run.pk, today=TODAY)
    due = bad.answer_due_at
    bad.refresh_from_db()
    assert bad.answer_due_at == due


def test_the_sweep_runs_a_recomputation_whose_task_was_lost(accepted):
    _schedule, run = enter_2027()
    assert calendar.sweep_recomputes() == 1
    assert CalendarRecompute.objects.get(pk=run.pk).status == "done"
    assert calendar.sweep_recomputes() == 0


def timezone_date(moment):
    from django.utils import timezone

    return timezone.localtime(moment).date()


def test_dates_far_from_the_change_are_not_touched():
    run = CalendarRecompute(year=2027, generation="x", dates=["2027-01-04"])
    context = calendar.Recompute(run, TODAY)
    due = local(2026, 12, 20, 10, 0)
    assert context.move(due) is None
    # Here the flipped 4 January was off before and is worked now: a deadline after it comes a day earlier.
    assert context.move(local(2027, 1, 8, 10, 0)) == local(2027, 1, 7, 10, 0)


def test_the_acceptance_sms_marks_a_provisional_promise(accepted):
    from django.utils import timezone

    body = (
        Notice.objects.filter(key__startswith=f"approvals.application:{accepted.pk}:event:").order_by("pk").last().body
    )
    assert timezone.localtime(accepted.due_at).strftime("%Y-%m-%d") in body and "暂定" in body


def test_the_tracking_page_and_the_api_mark_a_provisional_promise_until_the_year_is_entered(
    client, monkeypatch, submit, staff, item
):
    from django.urls import reverse

    monkeypatch.setattr(timing, "now", lambda: local(2026, 12, 3, 10, 0))
    item.promised_days = 25
    item.save()
    submission = submit()
    app = services.accept_application(submission.application, by=staff.window)
    client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": submission.code})
    page = client.get(reverse("approvals:track_detail", args=[app.tracking_number])).content.decode()
    assert 'class="provisional"' in page
    fields = "tracking { dueAt dueProvisional }"
    query = (
        f'mutation {{ trackApplication(trackingNumber: "{app.tracking_number}", code: "{submission.code}") '
        f"{{ {fields} }} }}"
    )
    answer = client.post("/graphql/", {"query": query}, content_type="application/json").json()
    assert answer["data"]["trackApplication"]["tracking"]["dueProvisional"] is True
    _schedule, run = enter_2027()
    calendar.recompute_deadlines(run.pk, today=TODAY)
    page = client.get(reverse("approvals:track_detail", args=[app.tracking_number])).content.decode()
    assert 'class="provisional"' not in page
