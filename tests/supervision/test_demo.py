import datetime

import pytest
from django.utils import timezone

from directory.demo import DemoRun
from supervision.demo import load_supervision
from supervision.models import Alert, AuditRecord, ThresholdPolicy
from tests.supervision.factories import make_event, publish, start

pytestmark = pytest.mark.django_db


def test_the_demo_writes_thresholds_and_sweeps_without_approvals_or_complaints(demo):
    # What another platform's demo step would have published: a step whose time limit has passed.
    now = timezone.now()
    publish(
        make_event(
            "step.started",
            occurred_at=now - datetime.timedelta(days=10),
            clocks=[start("approvals.step:999999", now - datetime.timedelta(days=1))],
        )
    )
    load_supervision(DemoRun())  # the supervision step of the loaded demo, again: it sweeps what was published
    yellow = Alert.objects.filter(rung="yellow").count()  # the approvals demo adds its own overdue cases
    load_supervision(DemoRun())
    assert ThresholdPolicy.objects.filter(policy="").count() == 1
    assert set(Alert.objects.values_list("rung", flat=True)) >= {"warning", "yellow"}
    assert Alert.objects.filter(rung="yellow").count() == yellow >= 1
    from supervision import audit

    assert audit.verify() == [] and AuditRecord.objects.filter(kind="alert").exists()
