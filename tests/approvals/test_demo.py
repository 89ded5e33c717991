import pytest

from approvals.models import Application, ApplicationEvent, ApprovalItem
from directory.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_and_applications_are_made_through_the_services_once(published):
    load_demo()
    assert ApprovalItem.objects.count() == 40
    assert ApprovalItem.objects.values("department").distinct().count() == 10
    assert ApprovalItem.objects.filter(township_centres__isnull=False).distinct().count() >= 5
    states = set(Application.objects.values_list("state", flat=True))
    assert states >= {"submitted", "supplementing", "in_review", "approved", "refused", "completed", "withdrawn"}
    assert {e.id for e in published if e.source == "approvals"} == set(
        ApplicationEvent.objects.values_list("pk", flat=True)
    )
    count = Application.objects.count()
    load_demo()
    assert Application.objects.count() == count and ApprovalItem.objects.count() == 40
