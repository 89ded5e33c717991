import pytest
from django.db.models import Sum

from sms.models import Campaign, Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_campaign_in_every_state_and_a_sent_one_with_receipts(demo):
    # Loaded twice, with quiet hours off (the demo may be loaded at night; this test is about what it builds).
    # The SMS operator's campaigns (the quiz app's demo adds the day's question campaign, by the editor).
    statuses = dict(Campaign.objects.filter(created_by__username="sms").values_list("title", "status"))
    assert statuses == {
        "乡镇纪委书记廉洁提醒": Campaign.Status.FINISHED,
        "节前廉洁提醒": Campaign.Status.APPROVED,
        "每周一廉政提醒": Campaign.Status.APPROVED,
        "窗口服务作风提醒": Campaign.Status.PENDING,
    }
    sent = Campaign.objects.get(status=Campaign.Status.FINISHED)
    deliveries = Delivery.objects.filter(run__campaign=sent)
    assert deliveries.count() == sent.runs.get().recipients > 0
    assert deliveries.filter(status=DeliveryStatus.DELIVERED).exists()
    assert deliveries.aggregate(clicks=Sum("clicks"))["clicks"] > 0
    assert all(campaign.approved_by.username == "reviewer" for campaign in Campaign.objects.exclude(approved_by=None))
