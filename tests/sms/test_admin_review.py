"""Submitting, approving, cancelling and editing campaigns through the admin, on the real campaign services."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from sms.dispatch import dispatch_run, start_run
from sms.models import Campaign, Delivery, DeliveryStatus
from tests.directory.factories import CadreFactory, DepartmentFactory
from tests.sms.factories_admin import CampaignFactory, user_with_role
from tests.sms.test_admin_campaigns import form_data

pytestmark = pytest.mark.django_db


def zh(msgid):
    with translation.override("zh-hans"):
        return gettext(msgid)


@pytest.fixture
def operator():
    return user_with_role("sms_operator", "operator")


@pytest.fixture
def reviewer():
    return user_with_role("reviewer", "reviewer")


@pytest.fixture
def draft(operator):
    return CampaignFactory(created_by=operator)


def inspect_url(campaign):
    return f"/admin/sms/campaign/inspect/{campaign.pk}/"


def submit(client, campaign):
    return client.post(f"/admin/sms/campaign/submit/{campaign.pk}/", follow=True)


def approve(client, campaign):
    page = client.get(inspect_url(campaign))
    fingerprint = page.context["fingerprint"] if page.status_code == 200 else ""
    return client.post(f"/admin/sms/campaign/approve/{campaign.pk}/", {"fingerprint": fingerprint}, follow=True)


def test_the_review_page_shows_the_preview_to_an_operator(client, operator, draft, settings):
    settings.SMS_RATE = 2
    CadreFactory.create_batch(3)
    CadreFactory(sms_opt_in=False)
    client.force_login(operator)
    response = client.get(inspect_url(draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert draft.text in body
    preview = response.context["preview"]
    assert preview["recipients"] == 3 and preview["encoding"] == "UCS-2" and preview["segments"] == 1
    assert dict(preview["skipped"]) == {zh("Opted out of SMS"): 1}
    assert "¥0.15" in body
    assert preview["duration"] == gettext("%(s)d s") % {"s": 2}  # 3 recipients at 2 a second
    assert 'action="/admin/sms/campaign/submit/' in body and "csrfmiddlewaretoken" in body


def test_actions_are_posts_only(client, operator, draft):
    client.force_login(operator)
    assert client.get(f"/admin/sms/campaign/submit/{draft.pk}/").status_code == 405


def test_operator_submits_reviewer_approves(client, operator, reviewer, draft):
    client.force_login(operator)
    submit(client, draft)
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.PENDING and draft.submitted_by == operator

    client.force_login(reviewer)
    page = client.get(inspect_url(draft)).content.decode()
    assert 'action="/admin/sms/campaign/approve/' in page
    response = approve(client, draft)
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.APPROVED and draft.approved_by == reviewer and draft.is_approved
    assert "已" in response.content.decode() or draft.title in response.content.decode()


def test_an_operator_cannot_approve(client, operator, draft):
    draft.status = Campaign.Status.PENDING
    draft.save()
    other = user_with_role("sms_operator", "operator2")
    client.force_login(other)
    assert 'action="/admin/sms/campaign/approve/' not in client.get(inspect_url(draft)).content.decode()
    response = client.post(f"/admin/sms/campaign/approve/{draft.pk}/", {"fingerprint": draft.fingerprint()})
    assert response.status_code in (302, 403)  # Wagtail turns PermissionDenied into a redirect with a message
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.PENDING


def test_the_creator_cannot_approve_even_as_a_reviewer(client, reviewer):
    campaign = CampaignFactory(created_by=reviewer, status=Campaign.Status.PENDING)
    client.force_login(reviewer)
    page = client.get(inspect_url(campaign)).content.decode()
    assert zh("You wrote or submitted this campaign: another reviewer must approve it.") in page
    response = client.post(
        f"/admin/sms/campaign/approve/{campaign.pk}/", {"fingerprint": campaign.fingerprint()}, follow=True
    )
    assert zh("You wrote or submitted this campaign, so you cannot approve it: another reviewer must.") in (
        response.content.decode()
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING and campaign.approved_by is None


def test_an_edit_during_review_must_be_reviewed_again(client, operator, reviewer, draft):
    client.force_login(operator)
    submit(client, draft)
    client.force_login(reviewer)
    seen = client.get(inspect_url(draft)).context["fingerprint"]
    Campaign.objects.filter(pk=draft.pk).update(text="改过的内容")
    response = client.post(f"/admin/sms/campaign/approve/{draft.pk}/", {"fingerprint": seen}, follow=True)
    assert zh("The campaign changed while you were reviewing it. Review it again.") in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.PENDING


def test_a_cadre_without_roles_cannot_act(client, django_user_model, draft):
    user = django_user_model.objects.create_user("nobody", password="pw")
    client.force_login(user)
    for action in ("submit", "approve", "cancel"):
        assert client.post(f"/admin/sms/campaign/{action}/{draft.pk}/").status_code in (302, 403)
    assert client.get(inspect_url(draft)).status_code in (302, 403)
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT


def test_a_refused_transition_is_reported_not_raised(client, operator):
    campaign = CampaignFactory(created_by=operator, status=Campaign.Status.FINISHED)
    client.force_login(operator)
    response = client.post(f"/admin/sms/campaign/submit/{campaign.pk}/", follow=True)
    assert response.status_code == 200
    assert campaign.get_status_display() in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED


def test_cancel_stops_waiting_deliveries(client, operator, reviewer, draft):
    CadreFactory.create_batch(3)
    client.force_login(operator)
    submit(client, draft)
    client.force_login(reviewer)
    approve(client, draft)
    draft.refresh_from_db()
    run = start_run(draft, "once")
    assert Delivery.objects.filter(run=run, status=DeliveryStatus.QUEUED).count() == 3
    client.post(f"/admin/sms/campaign/cancel/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.CANCELLED
    assert not Delivery.objects.filter(run=run, status=DeliveryStatus.QUEUED).exists()


def test_editing_an_approved_campaign_sends_it_back_to_draft(client, operator, reviewer):
    department = DepartmentFactory()
    client.force_login(operator)
    client.post("/admin/sms/campaign/new/", form_data())
    campaign = Campaign.objects.get()
    submit(client, campaign)
    client.force_login(reviewer)
    approve(client, campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED

    client.force_login(operator)
    edit = f"/admin/sms/campaign/edit/{campaign.pk}/"
    # Saving without a change keeps the approval.
    client.post(edit, form_data())
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED and campaign.is_approved
    # Changing the audience does not.
    response = client.post(edit, form_data(all_cadres="", departments=[department.pk]), follow=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and not campaign.approved_fingerprint
    assert campaign.approved_by is None
    body = response.content.decode()
    assert zh("The campaign was approved, and has changed since: it is a draft again and needs approval.") in body


def test_a_sent_campaign_shows_its_run_on_the_review_page(client, operator, reviewer, draft):
    CadreFactory.create_batch(4)
    client.force_login(operator)
    submit(client, draft)
    client.force_login(reviewer)
    approve(client, draft)
    draft.refresh_from_db()
    run = start_run(draft, "once")
    dispatch_run(run.pk, budget=30)
    body = client.get(inspect_url(draft)).content.decode()
    counts = Delivery.objects.filter(run=run).values_list("status", flat=True)
    assert len(counts) == 4
    assert f'data-run="{run.pk}"' in body
    assert f'href="/admin/sms/campaign/export/{draft.pk}/{run.pk}/"' in body
