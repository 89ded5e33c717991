"""A deadline moved by a new holiday schedule reaches supervision as a RESUME with the new due time: a rung already
fired never fires again, and a rung the new dates make due fires once."""

import pytest

from supervision import services
from supervision.models import Alert, Clock, Rung
from tests.supervision.factories import at, make_event, publish, resume, start

pytestmark = pytest.mark.django_db


def _started(bureau):
    publish(
        make_event(
            "step.started",
            occurred_at=at(),
            department_id=bureau.pk,
            clocks=[start("approvals.step:1", at(day=27), department_id=bureau.pk)],
        )
    )
    return Clock.objects.get(key="approvals.step:1")


def _recomputed(due, when):
    publish(make_event("application.deadline_recomputed", occurred_at=when, clocks=[resume("approvals.step:1", due)]))


def test_a_fired_warning_does_not_fire_again_when_the_deadline_moves_later(bureau):
    clock = _started(bureau)
    assert services.sweep(now=at(day=26, hour=11)) == 1  # the warning, one working day before Fri 27
    _recomputed(at(day=30), at(day=26, hour=12))  # the new schedule moves it to Mon 30 November
    clock.refresh_from_db()
    assert clock.due_at == at(day=30) and clock.level == Rung.WARNING
    assert services.sweep(now=at(day=27, hour=11)) == 0  # warning fired already; yellow is now on Mon 30
    assert services.sweep(now=at(day=30, hour=11)) == 1
    assert list(Alert.objects.filter(clock=clock).values_list("rung", flat=True).order_by("pk")) == [
        "warning",
        "yellow",
    ]


def test_a_rung_the_new_dates_make_due_fires_once(bureau):
    clock = _started(bureau)
    _recomputed(at(day=25), at(day=24, hour=12))  # moved earlier, to Wed 25: the warning is due at once
    assert services.sweep(now=at(day=24, hour=13)) == 1
    assert services.sweep(now=at(day=24, hour=14)) == 0
    assert list(Alert.objects.filter(clock=clock).values_list("rung", flat=True)) == ["warning"]


def _started_two(bureau):
    for n in (1, 2):
        publish(
            make_event(
                "step.started",
                subject=f"approvals.application:{n}",
                occurred_at=at(),
                department_id=bureau.pk,
                clocks=[start(f"approvals.step:{n}", at(day=27), department_id=bureau.pk)],
            )
        )


def _chunk_event(due, when):
    """What a recomputation publishes per chunk: one core event listing each case's move, with their clocks."""
    moves = [
        {
            "subject": f"approvals.application:{n}",
            "what": f"approvals.step:{n}",
            "step": "实质审查",
            "from": at(day=27).isoformat(),
            "to": due.isoformat(),
        }
        for n in (1, 2)
    ]
    return publish(
        make_event(
            "calendar.deadlines_moved",
            source="core",
            subject="core.holidayschedule:2026",
            occurred_at=when,
            payload={"moves": moves, "calendar_run": 1, "platform": "approvals"},
            clocks=[resume(f"approvals.step:{n}", due) for n in (1, 2)],
        )
    )


def test_a_chunk_event_moves_its_clocks_in_bulk_and_no_rung_fires_twice(bureau, django_assert_max_num_queries):
    from supervision import audit
    from supervision.models import EventCase, ReceivedEvent

    _started_two(bureau)
    assert services.sweep(now=at(day=26, hour=11)) == 2  # both warnings, one working day before Fri 27
    with django_assert_max_num_queries(20):
        _chunk_event(at(day=30), at(day=26, hour=12))
    assert set(Clock.objects.values_list("due_at", flat=True)) == {at(day=30)}
    assert services.sweep(now=at(day=27, hour=11)) == 0  # warnings fired already; yellow is now on Mon 30
    assert services.sweep(now=at(day=30, hour=11)) == 2
    assert Alert.objects.filter(rung=Rung.WARNING).count() == 2 and Alert.objects.filter(rung=Rung.YELLOW).count() == 2
    # Audited once for the chunk, and linked to each case it names.
    event = ReceivedEvent.objects.get(kind="calendar.deadlines_moved")
    assert sorted(EventCase.objects.filter(event=event).values_list("subject", flat=True)) == [
        "approvals.application:1",
        "approvals.application:2",
    ]
    assert audit.check(checkpoints=False).intact


def test_a_chunk_event_makes_a_newly_due_rung_fire_once(bureau):
    _started_two(bureau)
    _chunk_event(at(day=25), at(day=24, hour=12))  # moved earlier, to Wed 25: both warnings are due at once
    assert services.sweep(now=at(day=24, hour=13)) == 2
    assert services.sweep(now=at(day=24, hour=14)) == 0
    assert list(Alert.objects.values_list("rung", flat=True)) == ["warning", "warning"]


def test_the_timeline_of_each_case_shows_the_chunk_event_with_its_own_move(client, supervisor, bureau):
    from django.urls import reverse

    from core.events import label_for

    _started_two(bureau)
    _chunk_event(at(day=30), at(day=26, hour=12))
    client.force_login(supervisor)
    html = client.get(reverse("supervision_timeline") + "?subject=approvals.application:2").content.decode()
    assert label_for("calendar.deadlines_moved") in html
    assert "实质审查: 2026-11-27 10:00 → 2026-11-30 10:00" in html
    assert html.count("data-move") == 1  # its own move, not its neighbour's
