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
