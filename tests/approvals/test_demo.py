import pytest

from approvals.demo import late_licence_number
from approvals.models import Application, ApplicationEvent, ApprovalItem
from complaints.models import Complaint
from tests.demo import demo_snapshot

pytestmark = pytest.mark.django_db


@demo_snapshot
def approval_counts():
    return Application.objects.count(), ApprovalItem.objects.count()


def test_the_demo_catalogue_and_applications_are_made_through_the_services_once(demo):
    published = demo.published
    assert ApprovalItem.objects.count() == 40
    assert ApprovalItem.objects.values("department").distinct().count() == 10
    assert ApprovalItem.objects.filter(township_centres__isnull=False).distinct().count() >= 5
    states = set(Application.objects.values_list("state", flat=True))
    assert states >= {"submitted", "supplementing", "in_review", "approved", "refused", "completed", "withdrawn"}
    assert {e.id for e in published if e.source == "approvals"} == set(
        ApplicationEvent.objects.values_list("pk", flat=True)
    )
    # Two demo complaints are about the overdue food business licence and find it by its tracking number.
    late = Application.objects.get(tracking_number=late_licence_number())
    assert late.item.name == "食品经营许可" and late.state == "in_review"
    assert Complaint.objects.filter(related_reference=late.tracking_number).count() == 2
    assert approval_counts() == demo.first["approval_counts"]  # the second run added nothing
