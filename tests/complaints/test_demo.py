import pytest

from complaints.models import CaseUpdate, Clarification, Complaint, Status
from directory.demo import DemoRun

pytestmark = pytest.mark.django_db


def test_demo_complaints_in_several_states_idempotent(city, investigator, monkeypatch):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=investigator.pk).update(username="investigator")
    from complaints.demo import COMPLAINTS, load_complaints

    load_complaints(DemoRun())
    load_complaints(DemoRun())
    assert Complaint.objects.count() == len(COMPLAINTS)
    states = set(Complaint.objects.values_list("status", flat=True))
    assert {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.CONCLUDED,
        Status.NOT_ACCEPTED,
        Status.TRANSFERRED,
    } <= states
    assert CaseUpdate.objects.count() >= 5 and Clarification.objects.count() == 1
    # Without the approvals demo there is no case to name: no dangling tracking number.
    assert not Complaint.objects.filter(related_reference__startswith="QF").exists()
