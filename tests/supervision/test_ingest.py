import datetime

import pytest

from supervision.models import AuditRecord, Clock, Finding, ReceivedEvent
from tests.supervision.factories import at, make_event, pause, publish, resume, start, stop

pytestmark = pytest.mark.django_db

KEY = "approvals.step:1"


def test_an_event_is_recorded_chained_and_starts_its_clock(bureau):
    publish(
        make_event("step.started", department_id=bureau.pk, clocks=[start(KEY, at(day=27), department_id=bureau.pk)])
    )

    event = ReceivedEvent.objects.get()
    assert event.kind == "step.started" and event.item == "approvals.item:1"
    assert AuditRecord.objects.filter(kind="event", ref=event.key).exists()
    clock = Clock.objects.get(key=KEY)
    assert clock.state == Clock.State.RUNNING and clock.due_at == at(day=27)
    assert clock.allowed == at(day=27) - at()
    assert clock.next_fire_at is not None


def test_a_second_delivery_does_nothing():
    event = make_event("application.accepted", payload={"materials_missing": ["营业执照"]})
    publish(event)
    publish(event)

    assert ReceivedEvent.objects.count() == 1
    assert AuditRecord.objects.filter(kind="event").count() == 1
    assert Finding.objects.filter(rule="R01").count() == 1


def test_pause_and_resume_move_the_due_time_and_count_the_pause():
    publish(make_event("step.started", clocks=[start(KEY, at(day=27))]))
    publish(
        make_event(
            "application.supplement_requested",
            occurred_at=at(day=25),
            clocks=[pause(KEY)],
            payload={"supplement_count": 1},
        )
    )
    clock = Clock.objects.get(key=KEY)
    assert clock.state == Clock.State.PAUSED and clock.next_fire_at is None

    publish(make_event("application.supplemented", occurred_at=at(day=26), clocks=[resume(KEY, at(day=30))]))
    clock.refresh_from_db()
    assert clock.state == Clock.State.RUNNING and clock.due_at == at(day=30)
    assert clock.paused_total == datetime.timedelta(days=1)
    assert clock.next_fire_at is not None


def test_an_instruction_older_than_the_last_applied_is_ignored():
    publish(make_event("step.started", clocks=[start(KEY, at(day=27))]))
    publish(
        make_event(
            "step.approved", occurred_at=at(day=26), clocks=[stop(KEY)], payload={"legal_basis": "《行政许可法》"}
        )
    )
    # The pause of the day before arrives late.
    publish(make_event("application.supplement_requested", occurred_at=at(day=25), clocks=[pause(KEY)]))

    clock = Clock.objects.get(key=KEY)
    assert clock.state == Clock.State.STOPPED and clock.stopped_at == at(day=26)
    assert ReceivedEvent.objects.count() == 3  # recorded and chained all the same


def test_a_stop_for_an_unknown_clock_is_a_finding_not_a_crash():
    publish(make_event("step.approved", clocks=[stop("approvals.step:999")], payload={"legal_basis": "x"}))

    finding = Finding.objects.get(rule="C01")
    assert "approvals.step:999" in finding.message
    assert Clock.objects.get(key="approvals.step:999").state == Clock.State.STOPPED


def test_a_start_arriving_after_its_stop_still_tells_when_the_clock_began():
    publish(make_event("step.approved", occurred_at=at(day=26), clocks=[stop(KEY)], payload={"legal_basis": "x"}))
    publish(make_event("step.started", occurred_at=at(day=24), clocks=[start(KEY, at(day=27))]))

    clock = Clock.objects.get(key=KEY)
    assert clock.state == Clock.State.STOPPED
    assert clock.started_at == at(day=24) and clock.allowed == at(day=27) - at(day=24)


def test_a_receiver_error_rolls_the_whole_event_back(monkeypatch):
    from django.db import transaction

    from supervision import rules

    def broken(event):
        raise RuntimeError("rule failed")

    monkeypatch.setattr(rules, "run_event_rules", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(make_event("step.started", clocks=[start(KEY, at(day=27))]))
    assert not ReceivedEvent.objects.exists() and not Clock.objects.exists() and not AuditRecord.objects.exists()


def test_a_payload_with_decimals_and_dates_is_kept_and_chained():
    import decimal

    from supervision import audit

    publish(
        make_event(
            "application.accepted",
            payload={"fee_charged": decimal.Decimal("20.00"), "fee_published": "0.00", "deadline": at(day=30)},
        )
    )
    event = ReceivedEvent.objects.get()
    assert event.payload["fee_charged"] == "20.00"
    assert Finding.objects.filter(rule="R06").exists()
    assert audit.verify() == []
