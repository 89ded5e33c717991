"""After an outage the sweeps finish what was cut off, once; /healthz says 503 while it lasts."""

import pytest

from sms.models import Notice
from supervision import services as supervision
from supervision import tasks as supervision_tasks
from supervision.models import Alert
from tests.resilience.conftest import broker_down, database_down
from tests.supervision.conftest import bureau, city, handler, supervisor  # noqa: F401 - supervision's fixtures
from tests.supervision.factories import at, make_event, publish, start

pytestmark = pytest.mark.django_db


def test_healthz_answers_503_json_with_the_real_redis_broker_unreachable(client):
    with broker_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": response.json()["checks"]["broker"]["ms"],
    }


def test_healthz_answers_503_json_with_the_database_down(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["database"]["error"] == "OperationalError"


def test_alerts_raised_while_the_broker_is_down_are_notified_once_by_the_schedule(
    bureau,  # noqa: F811
    handler,  # noqa: F811
    supervisor,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    publish(
        make_event(
            "step.started",
            department_id=bureau.pk,
            clocks=[start("approvals.step:1", at(day=27), department_id=bureau.pk, handler_id=handler.pk)],
        )
    )
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        assert supervision.sweep(now=at(day=26, hour=11)) == 1
    alert = Alert.objects.get()
    assert alert.notified_at is None and not Notice.objects.exists()
    # The 5-minute supervision.notify schedule, run twice (a retried or duplicated task): one SMS per recipient.
    supervision_tasks.notify_alerts()
    supervision_tasks.notify_alerts()
    alert.refresh_from_db()
    assert alert.notified_at is not None
    keys = list(Notice.objects.values_list("key", flat=True))
    assert len(keys) == 2 == len(set(keys))
