import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cms.models import WarningPhrase
from sms import dispatch, services
from sms.error_codes import SmsErrorCode
from sms.gateways.console import GatewayBackend as Console
from sms.models import Campaign, CampaignRun
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_two_person_approval(make_campaign, author, approver):
    campaign = make_campaign()
    services.submit_campaign(campaign, author)
    assert campaign.status == Campaign.Status.PENDING
    services.approve_campaign(campaign, approver)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED
    assert campaign.approved_by == approver and campaign.approved_at and campaign.is_approved


def test_author_cannot_approve_their_own_campaign_even_with_the_permission(make_campaign, author, approver):
    campaign = make_campaign()
    campaign.created_by = approver
    campaign.save()
    services.submit_campaign(campaign, author)
    with pytest.raises(PermissionDenied) as refused:
        services.approve_campaign(campaign, approver)
    assert "其他人" in str(refused.value) or "other" in str(refused.value)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING and not campaign.approved_fingerprint


def test_submitter_cannot_approve(make_campaign, approver, django_user_model):
    campaign = make_campaign()
    services.submit_campaign(campaign, approver)
    with pytest.raises(PermissionDenied):
        services.approve_campaign(campaign, approver)


def test_approval_needs_the_permission(make_campaign, author, django_user_model):
    campaign = make_campaign()
    services.submit_campaign(campaign, author)
    with pytest.raises(PermissionDenied):
        services.approve_campaign(campaign, django_user_model.objects.create_user("nobody"))


def test_transitions_are_checked(make_campaign, author, approver):
    campaign = make_campaign()
    with pytest.raises(services.CampaignStateError):
        services.approve_campaign(campaign, approver)  # a draft was never submitted
    services.cancel_campaign(campaign, author)
    with pytest.raises(services.CampaignStateError):
        services.submit_campaign(campaign, author)


def test_an_edit_after_approval_needs_approval_again_and_stops_sending(approved, cadres, approver):
    cadres(3)
    campaign = approved()
    campaign.text = "改过的内容"
    campaign.save()
    assert not campaign.is_approved
    assert dispatch.start_run(campaign, "once") is None  # nothing sends on a stale approval
    services.mark_edited(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and not campaign.approved_by and not campaign.approved_fingerprint
    assert not CampaignRun.objects.exists() and Console.outbox == []


def test_an_edit_of_the_audience_mid_run_pauses_it(approved, cadres):
    people = cadres(3)
    campaign = approved()
    run = dispatch.start_run(campaign, "once")
    campaign.exclude_cadres.add(people[0])
    assert dispatch.dispatch_run(run.pk).state == "paused"
    assert Console.outbox == []


def test_a_run_edited_mid_way_is_cancelled_and_the_new_approval_sends_the_new_text(
    approved, cadres, author, approver, settings
):
    from sms import scheduling

    people = cadres(3)
    campaign = approved(text="旧内容")
    [old_run] = scheduling.sweep(enqueue=lambda run_id: None)[0]
    campaign.text = "新内容"
    campaign.save()
    services.mark_edited(campaign, author)
    old_run = CampaignRun.objects.get(pk=old_run)
    assert old_run.status == CampaignRun.Status.CANCELLED
    assert set(old_run.deliveries.values_list("error_code", flat=True)) == {"edited"}
    assert dispatch.dispatch_run(old_run.pk).state == "paused"
    campaign.refresh_from_db()
    services.submit_campaign(campaign, author)
    services.approve_campaign(campaign, approver)
    scheduling.sweep()
    new_run = CampaignRun.objects.exclude(pk=old_run.pk).get()
    assert (old_run.occurrence, new_run.occurrence, new_run.status) == ("once", "once-2", CampaignRun.Status.DONE)
    assert str(new_run).endswith("单次发送") or "Single sending" in str(new_run)
    assert sorted(Console.outbox) == sorted((str(c.phone), settings.SMS_SIGNATURE + "新内容") for c in people)


def test_an_edit_that_changes_nothing_keeps_the_approval(approved):
    campaign = approved()
    campaign.title = "只改了标题"
    campaign.save()
    services.mark_edited(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED and campaign.is_approved


def test_unapproved_campaigns_never_send(make_campaign, author, cadres):
    cadres(2)
    draft = make_campaign()
    pending = make_campaign()
    services.submit_campaign(pending, author)
    for campaign in (draft, pending):
        assert dispatch.start_run(campaign, "once") is None
    assert Console.outbox == []


def test_cancel_stops_a_run_and_skips_what_is_left(approved, cadres, author):
    cadres(4)
    campaign = approved()
    run = dispatch.start_run(campaign, "once")
    services.cancel_campaign(campaign, author)
    run.refresh_from_db()
    assert run.status == CampaignRun.Status.CANCELLED
    assert set(run.deliveries.values_list("status", flat=True)) == {"skipped"}
    assert dispatch.dispatch_run(run.pk).state == "paused" and Console.outbox == []


def test_validate_content_counts_segments_with_signature_and_link(make_campaign, settings, home_page):
    settings.SMS_MAX_SEGMENTS = 1
    with pytest.raises(ValidationError) as empty:
        services.validate_content(make_campaign(text="  "))
    assert empty.value.code == SmsErrorCode.EMPTY
    fits = make_campaign(text="廉" * (70 - len(settings.SMS_SIGNATURE)))
    assert services.validate_content(fits).segments == 1
    with_link = make_campaign(text=fits.text, link_page=home_page)
    with pytest.raises(ValidationError) as too_long:
        services.validate_content(with_link)
    assert "2" in str(too_long.value.messages[0])


def test_submit_refuses_invalid_content(make_campaign, author):
    with pytest.raises(ValidationError):
        services.submit_campaign(make_campaign(text=""), author)


def test_phrase_is_used_when_chosen(make_campaign):
    phrase = WarningPhrase.objects.create(text="手莫伸，伸手必被捉。")
    campaign = make_campaign(text="", phrase=phrase)
    assert dispatch.render_body(campaign).endswith("手莫伸，伸手必被捉。")


def test_preview(make_campaign, cadres, settings):
    settings.SMS_RATE = 10
    settings.SMS_SEGMENT_PRICE = 0.05
    people = cadres(4)
    CadreFactory(sms_opt_in=False)
    CadreFactory(phone="+14155550100")
    CadreFactory(phone="+8601012345678")  # a Beijing landline
    campaign = make_campaign(text="廉洁")
    result = services.preview(campaign)
    assert result.recipients == len(people)
    assert result.skipped == {"opted_out": 1, "foreign_number": 1, "not_mobile": 1}
    assert result.encoding == "UCS-2" and result.segments == 1
    assert str(result.estimated_cost) == "0.20"
    assert result.estimated_seconds == pytest.approx(0.4)
