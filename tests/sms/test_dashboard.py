"""The reviewer's and the SMS operator's work dashboard, and the campaign list that leads to the review page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sms import dashboard
from sms.models import Campaign, DeliveryStatus
from tests.sms.factories_admin import CampaignFactory, CampaignRunFactory, DeliveryFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return user_with_role("sms_operator", "operator")


@pytest.fixture
def reviewer():
    return user_with_role("reviewer", "reviewer")


def names(user):
    return [p.name for p in dashboard.panels_for(user)]


def panel(user, name):
    return next(p for p in dashboard.panels_for(user) if p.name == name)


def test_a_reviewer_sees_the_campaigns_waiting_for_them_the_timed_one_due_soonest_first(
    operator, reviewer, django_assert_max_num_queries
):
    soon = timezone.now() + datetime.timedelta(hours=3)
    later = CampaignFactory(status=Campaign.Status.PENDING, created_by=operator, submitted_by=operator)
    timed = CampaignFactory(
        status=Campaign.Status.PENDING, created_by=operator, submitted_by=operator, timing="at", send_at=soon
    )
    CampaignFactory(status=Campaign.Status.PENDING, created_by=reviewer, submitted_by=reviewer)  # four eyes
    CampaignFactory(status=Campaign.Status.DRAFT, created_by=operator)
    to_review = panel(reviewer, "sms-to-review")
    with django_assert_max_num_queries(1):
        items, _summaries = to_review.rows()
    assert [i.title for i in items] == [timed.title, later.title]
    assert items[0].deadline == soon and items[0].urgency() == 1
    assert items[1].deadline is None and items[1].no_deadline  # says why: sent as soon as approved
    assert items[0].url == reverse("sms_campaign:inspect", args=[timed.pk])
    assert names(reviewer) == ["sms-to-review"]


def test_the_operator_sees_campaigns_by_state_and_recent_failures(operator, django_assert_max_num_queries):
    CampaignFactory(status=Campaign.Status.DRAFT)
    CampaignFactory(status=Campaign.Status.PENDING)
    CampaignFactory(status=Campaign.Status.FINISHED)
    run = CampaignRunFactory(campaign=CampaignFactory(status=Campaign.Status.SENDING, title="国庆提醒"))
    DeliveryFactory.create_batch(2, run=run, status=DeliveryStatus.FAILED)
    DeliveryFactory(run=run, status=DeliveryStatus.DELIVERED)
    DeliveryFactory(run=CampaignRunFactory(), status=DeliveryStatus.DELIVERED)  # no failure: not listed
    assert names(operator) == ["sms-campaigns", "sms-failures"]
    campaigns, failed = panel(operator, "sms-campaigns"), panel(operator, "sms-failures")
    with django_assert_max_num_queries(2):
        items, summaries = campaigns.rows()
    assert len(items) == 4  # the finished one is not work
    assert [s.count for s in summaries] == [
        2,
        1,
        0,
        1,
    ]  # draft (one from the run without failure), waiting, approved, sending
    with django_assert_max_num_queries(2):
        failures, _summaries = failed.rows()
    assert [f.title for f in failures] == ["国庆提醒"] and "2" in failures[0].note


def test_an_editor_and_a_moderator_see_no_sms_panel(db):
    assert names(user_with_role("editor", "editor")) == []
    assert names(user_with_role("moderator", "mod")) == []


def test_campaign_titles_open_the_review_page_and_rows_have_actions(client, operator, reviewer):
    campaign = CampaignFactory(status=Campaign.Status.PENDING, created_by=operator, submitted_by=operator)
    inspect = reverse("sms_campaign:inspect", args=[campaign.pk])
    client.force_login(reviewer)
    listing = client.get(reverse("sms_campaign:index")).content.decode()
    assert listing.count(f'href="{inspect}"') == 2  # the title and the row's 审核 button
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'href="{inspect}"' in home
