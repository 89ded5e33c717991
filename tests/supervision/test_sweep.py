import datetime

import pytest
from django.db import IntegrityError, transaction

from supervision import services
from supervision.models import Alert, AuditRecord, Clock, Rung, ThresholdPolicy
from tests.supervision.factories import at, make_event, pause, publish, start, stop

pytestmark = pytest.mark.django_db


def _start(key, due, bureau=None, handler=None, started=None):
    publish(
        make_event(
            "step.started",
            occurred_at=started or at(),
            department_id=bureau.pk if bureau else None,
            clocks=[
                start(key, due, department_id=bureau.pk if bureau else None, handler_id=handler.pk if handler else None)
            ],
        )
    )
    return Clock.objects.get(key=key)


def test_warning_then_yellow_then_red_each_exactly_once(bureau):
    # Started Tue 24 Nov 10:00, due Fri 27 Nov 10:00 (3 days): warning at Thu 26 10:00 (1 working day left).
    clock = _start("approvals.step:1", at(day=27), bureau)
    assert clock.next_fire_at == at(day=26)

    assert services.sweep(now=at(day=25)) == 0
    assert services.sweep(now=at(day=26, hour=11)) == 1
    assert services.sweep(now=at(day=26, hour=12)) == 0
    clock.refresh_from_db()
    assert clock.level == Rung.WARNING and clock.next_fire_at == at(day=27)

    assert services.sweep(now=at(day=27, hour=11)) == 1
    clock.refresh_from_db()
    assert clock.level == Rung.YELLOW
    # Red 3 working days after the due time: Wed 2 Dec (the weekend does not count).
    assert clock.next_fire_at == at(month=12, day=2)
    assert services.sweep(now=at(month=12, day=1)) == 0
    assert services.sweep(now=at(month=12, day=2, hour=11)) == 1
    clock.refresh_from_db()
    assert clock.level == Rung.RED and clock.next_fire_at is None
    assert list(Alert.objects.filter(clock=clock).order_by("pk").values_list("rung", flat=True)) == [
        "warning",
        "yellow",
        "red",
    ]
    assert AuditRecord.objects.filter(kind="alert").count() == 3


def test_the_unique_constraint_refuses_a_second_alert_of_a_rung(bureau):
    clock = _start("approvals.step:1", at(day=27), bureau)
    services.sweep(now=at(day=26, hour=11))
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(clock=clock, rung=Rung.WARNING, fired_at=at(day=26, hour=12))


def test_percentage_threshold_warns_earlier_on_a_long_limit(bureau):
    # 20 working days: 20% of the duration remains well before the last working day.
    ThresholdPolicy.objects.create(policy="", warning_working_days=1, warning_percent=20)
    clock = _start("approvals.step:1", at(month=12, day=22), bureau)
    assert clock.next_fire_at < at(month=12, day=21)


def test_per_item_thresholds_override_the_global_ones(bureau):
    ThresholdPolicy.objects.create(policy="", warning_working_days=1, warning_percent=0)
    ThresholdPolicy.objects.create(policy="approvals.item:1", warning_working_days=2, warning_percent=0)
    clock = _start("approvals.step:1", at(day=27), bureau)
    assert clock.next_fire_at == at(day=25)


def test_a_paused_clock_is_not_swept_and_a_stopped_one_never_again(bureau):
    _start("approvals.step:1", at(day=27), bureau)
    publish(make_event("application.supplement_requested", occurred_at=at(day=25), clocks=[pause("approvals.step:1")]))
    assert services.sweep(now=at(month=12, day=10)) == 0

    _start("approvals.step:2", at(day=27), bureau)
    publish(
        make_event(
            "step.approved", occurred_at=at(day=25), clocks=[stop("approvals.step:2")], payload={"legal_basis": "x"}
        )
    )
    assert services.sweep(now=at(month=12, day=10)) == 0
    assert not Alert.objects.exists()


def test_third_yellow_card_of_a_department_within_a_month_is_red(bureau):
    for n in range(3):
        _start(f"approvals.step:{n}", at(day=27), bureau)
    services.sweep(now=at(day=27, hour=11))
    reds = Alert.objects.filter(rung=Rung.RED)
    assert reds.count() == 1
    assert "30" in reds.get().reason


def test_the_sweep_reads_only_due_clocks(bureau, django_assert_max_num_queries):
    for n in range(30):
        _start(f"approvals.step:{n}", at(month=12, day=30), bureau)
    _start("approvals.step:due", at(day=27), bureau)
    # The same number of queries whether 30 or 3,000 clocks are open: only the due one is loaded.
    with django_assert_max_num_queries(14):
        assert services.sweep(now=at(day=26, hour=11)) == 1


def test_handler_and_supervisor_get_an_sms_once(bureau, handler, supervisor):
    from sms.models import Notice

    _start("approvals.step:1", at(day=27), bureau, handler)
    services.sweep(now=at(day=26, hour=11))  # notifications go out after commit; run the task here
    services.notify_alerts()
    services.notify_alerts()
    notices = Notice.objects.order_by("phone")
    assert [str(n.phone) for n in notices] == ["+8613800000001", "+8613800000002"]
    assert "预警" in notices[0].body or "Warning" in notices[0].body
    alert = Alert.objects.get()
    assert alert.notified_at is not None and alert.recipients == ["李明", "王监察"]


def test_changed_thresholds_reschedule_running_clocks(bureau):
    clock = _start("approvals.step:1", at(day=27), bureau)
    ThresholdPolicy.objects.create(policy="approvals.item:1", warning_working_days=2, warning_percent=0)
    services.reschedule_policy("approvals.item:1")
    clock.refresh_from_db()
    assert clock.next_fire_at == at(day=25)


def test_overdue_working_days_skip_weekends():
    from supervision.clocks import working_days_overdue

    clock = Clock(due_at=at(day=27))
    assert working_days_overdue(clock, at(month=11, day=30, hour=11)) == 1
    assert working_days_overdue(clock, at(day=26)) == 0
    assert isinstance(datetime.timedelta(), datetime.timedelta)


def test_clocks_of_deleted_departments_and_users_still_work(supervisor, client):
    from django.urls import reverse

    publish(
        make_event(
            "step.started",
            department_id=987654,
            actor_id=123456,
            clocks=[start("approvals.step:1", at(day=27), department_id=987654, handler_id=123456)],
        )
    )
    assert services.sweep(now=at(day=27, hour=11)) == 2
    # Nobody to reach in the department line: every supervisor, once for the clock's highest rung.
    assert services.notify_alerts() == 1
    client.force_login(supervisor)
    assert client.get(reverse("supervision_alert:index")).status_code == 200
    assert client.get(reverse("supervision_timeline") + "?subject=approvals.application:1").status_code == 200


def test_a_global_threshold_change_reschedules_clocks_on_the_defaults_in_chunks(bureau):
    clocks = [_start(f"approvals.step:{n}", at(day=27), bureau) for n in range(5)]
    publish(make_event("step.started", clocks=[start("approvals.step:own", at(day=27), policy="approvals.item:9")]))
    ThresholdPolicy.objects.create(policy="approvals.item:9", warning_working_days=1, warning_percent=0)
    ThresholdPolicy.objects.create(policy="", warning_working_days=2, warning_percent=0)
    assert services.reschedule_policy("", chunk=2) == 5
    assert {Clock.objects.get(pk=c.pk).next_fire_at for c in clocks} == {at(day=25)}
    assert Clock.objects.get(key="approvals.step:own").next_fire_at == at(day=26)


def test_a_clock_two_rungs_past_at_its_first_sweep_sends_one_sms_naming_the_highest(bureau, handler, supervisor):
    from sms.models import Notice

    # Due Fri 27 Nov 10:00 and first swept at 11:00 that day: the warning and the yellow card fire together.
    _start("approvals.step:1", at(day=27), bureau, handler)
    assert services.sweep(now=at(day=27, hour=11)) == 2
    services.notify_alerts()
    services.notify_alerts()
    handler_notices = Notice.objects.filter(phone="+8613800000001")
    assert handler_notices.count() == 1
    body = handler_notices.get().body
    assert "黄牌" in body or "Yellow card" in body
    assert "预警" not in body and "Warning" not in body
    assert Notice.objects.filter(phone="+8613800000002").count() == 1
    # The admin still records both rungs, each marked as dealt with.
    alerts = {a.rung: a for a in Alert.objects.all()}
    assert set(alerts) == {Rung.WARNING, Rung.YELLOW}
    assert all(a.notified_at is not None for a in alerts.values())
    assert alerts[Rung.YELLOW].recipients == ["李明", "王监察"]
    assert alerts[Rung.WARNING].recipients == []
