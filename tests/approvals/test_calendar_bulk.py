"""Issue 17 leftovers: the recomputation runs in chunks with a bounded number of queries, and each handler whose
step moved is told the new due date once."""

import pytest

from approvals import recompute, services
from approvals.models import ApplicationStep, ItemStep, StepState
from approvals.services import timing
from core import calendar
from sms.models import Notice
from supervision.models import Clock as SupervisedClock
from tests.approvals.conftest import local
from tests.approvals.test_calendar_recompute import TODAY, enter_2027, timezone_date


@pytest.fixture
def long_item(item):
    item.promised_days = 25
    item.save()
    ItemStep.objects.filter(item=item, order=1).update(working_days=24)  # due 7 January 2027, moved to the 8th
    return item


@pytest.fixture
def accept(monkeypatch, submit, staff, long_item):
    monkeypatch.setattr(timing, "now", lambda: local(2026, 12, 3, 10, 0))
    return lambda: services.accept_application(submit().application, by=staff.window)


def test_every_open_deadline_moves_in_chunks_with_queries_that_do_not_grow(
    accept, monkeypatch, django_assert_max_num_queries
):
    apps = [accept() for _ in range(9)]
    monkeypatch.setattr(recompute, "CHUNK", 4)  # three chunks: 4, 4, 1
    _schedule, run = enter_2027()
    # One transaction per chunk, about thirty queries each whatever its size (some twenty per row before).
    # (+3: the bad ratings' pass, which finds none here.)
    with django_assert_max_num_queries(3 * 30 + 28):
        assert calendar.recompute_deadlines(run.pk, today=TODAY) == 9
    for app in apps:
        before = app.due_at
        app.refresh_from_db()
        assert timezone_date(app.due_at) > timezone_date(before)
        assert app.events.filter(kind="application.deadline_recomputed").count() == 1
        assert SupervisedClock.objects.get(key=app.subject).due_at == app.due_at
        step = app.steps.get(state=StepState.ACTIVE)
        assert SupervisedClock.objects.get(key=step.clock_key).due_at == step.due_at
        event = app.events.get(kind="application.deadline_recomputed")
        notice = Notice.objects.get(key=f"approvals.application:{app.pk}:event:{event.pk}")
        assert app.tracking_number in notice.body and timezone_date(app.due_at).isoformat() in notice.body
    assert calendar.recompute_deadlines(run.pk, today=TODAY) == 0


def test_an_interrupted_run_resumes_after_its_last_chunk(accept, monkeypatch):
    apps = [accept() for _ in range(3)]
    monkeypatch.setattr(recompute, "CHUNK", 2)
    _schedule, run = enter_2027()
    real = recompute._move_chunk
    calls = []

    def dies_on_the_second_chunk(context, chunk, **kwargs):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(context, chunk, **kwargs)

    monkeypatch.setattr(recompute, "_move_chunk", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        calendar.recompute_deadlines(run.pk, today=TODAY)
    monkeypatch.setattr(recompute, "_move_chunk", real)
    calendar.recompute_deadlines(run.pk, today=TODAY)
    for app in apps:
        assert app.events.filter(kind="application.deadline_recomputed").count() == 1


def test_each_handler_is_told_the_new_due_date_once(accept, staff):
    first, second, third = accept(), accept(), accept()
    for app in (first, second):
        services.take_step(app.steps.get(state=StepState.ACTIVE), by=staff.sjj)
    services.take_step(third.steps.get(state=StepState.ACTIVE), by=staff.sjj2)
    _schedule, run = enter_2027()
    calendar.recompute_deadlines(run.pk, today=TODAY)
    mine = Notice.objects.get(key=f"core.calendar:{run.pk}:approvals.handler:{staff.sjj.pk}")
    theirs = Notice.objects.get(key=f"core.calendar:{run.pk}:approvals.handler:{staff.sjj2.pk}")
    assert mine.cadre == staff.sjj.cadre and "您承办的2个审批环节" in mine.body
    step = ApplicationStep.objects.get(application=third, state=StepState.ACTIVE)
    assert third.tracking_number in theirs.body
    assert timezone_date(step.due_at).isoformat() in theirs.body
    # Run again (a lost acknowledgement): nobody is told twice.
    from approvals.recompute import _tell_handlers

    _tell_handlers(calendar.Recompute(run, TODAY))
    assert Notice.objects.filter(key__startswith=f"core.calendar:{run.pk}:approvals.handler:").count() == 2


def test_each_chunk_costs_the_same_queries_whatever_its_size(accept, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from supervision import audit
    from supervision.models import AuditRecord, EventCase

    apps = [accept() for _ in range(7)]
    monkeypatch.setattr(recompute, "CHUNK", 3)  # chunks of 3, 3, 1
    _schedule, run = enter_2027()
    real, counts = recompute._move_chunk, []

    def counted(context, chunk, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            result = real(context, chunk, **kwargs)
        counts.append(len(queries))
        return result

    monkeypatch.setattr(recompute, "_move_chunk", counted)
    audited = AuditRecord.objects.count()
    assert calendar.recompute_deadlines(run.pk, today=TODAY) == 7
    # The first chunk also reads the run's schedule once; then every chunk costs the same, one row or a thousand.
    assert counts[1] == counts[2] <= counts[0] <= counts[1] + 2 and max(counts) <= 30
    # Audited once per chunk (plus the run's summary), each case linked to its chunk's event.
    assert AuditRecord.objects.count() - audited == 3 + 1
    assert set(EventCase.objects.values_list("subject", flat=True)) == {app.subject for app in apps}
    assert audit.check(checkpoints=False).intact
