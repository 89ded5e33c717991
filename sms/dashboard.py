"""The SMS platform's work dashboard (core.dashboard): campaigns waiting for a reviewer's approval, and for the SMS
operator the campaigns by state and the recent failures. Every row opens the campaign's review and progress page."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import LIMIT, Summary, WorkItem, WorkPanel
from core.people import display_name
from sms.admin_views import can_approve, can_change
from sms.models import Campaign, CampaignRun, DeliveryStatus, Notice

OPEN_STATES = (Campaign.Status.DRAFT, Campaign.Status.PENDING, Campaign.Status.APPROVED, Campaign.Status.SENDING)
FAILED = (DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED)
RECENT = datetime.timedelta(days=7)


def inspect_url(campaign_pk) -> str:
    return reverse("sms_campaign:inspect", args=[campaign_pk])


def _no_deadline(campaign: Campaign) -> str:
    if campaign.timing == Campaign.Timing.NOW:
        return _("Sent as soon as it is approved.")
    if campaign.timing == Campaign.Timing.AT:
        return _("No sending time is set.")
    return _("Sent at each occurrence of its schedule.")


def _campaign_item(campaign: Campaign, note: str) -> WorkItem:
    timed = campaign.timing == Campaign.Timing.AT and campaign.status != Campaign.Status.SENDING
    return WorkItem(
        title=campaign.title,
        url=inspect_url(campaign.pk),
        deadline=campaign.send_at if timed else None,
        deadline_label=_("Sending time"),
        no_deadline=_("Sending now.") if campaign.status == Campaign.Status.SENDING else _no_deadline(campaign),
        note=note,
    )


def awaiting_review(user) -> list[WorkItem]:
    """Campaigns waiting for approval that this reviewer may approve (not their own: four eyes): one query."""
    rows = (
        Campaign.objects.filter(status=Campaign.Status.PENDING)
        .exclude(Q(created_by=user) | Q(submitted_by=user))
        .select_related("submitted_by")
        .order_by("send_at", "updated_at", "pk")[:LIMIT]
    )
    return [
        _campaign_item(campaign, _("Submitted by %(name)s") % {"name": display_name(campaign.submitted_by) or "—"})
        for campaign in rows
    ]


def by_state() -> tuple[list[WorkItem], list[Summary]]:
    """Open campaigns (draft, waiting, approved, sending) with a count per state: two queries."""
    counts = Campaign.objects.filter(status__in=OPEN_STATES).aggregate(
        **{state: Count("pk", filter=Q(status=state)) for state in OPEN_STATES}
    )
    index = reverse("sms_campaign:index")
    summaries = [
        Summary(Campaign.Status(state).label, counts[state], f"{index}?status={state}") for state in OPEN_STATES
    ]
    rows = Campaign.objects.filter(status__in=OPEN_STATES).order_by("-updated_at", "pk")[:LIMIT]
    return [_campaign_item(campaign, campaign.get_status_display()) for campaign in rows], summaries


def recent_failures() -> tuple[list[WorkItem], list[Summary]]:
    """Runs of the last seven days with failed deliveries, and the failed notices: two queries."""
    since = timezone.now() - RECENT
    runs = (
        CampaignRun.objects.filter(created_at__gte=since)
        .annotate(failed=Count("deliveries", filter=Q(deliveries__status__in=FAILED)))
        .filter(failed__gt=0)
        .select_related("campaign")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    items = [
        WorkItem(
            title=run.campaign.title,
            url=inspect_url(run.campaign_id),
            no_deadline=_("Failed at sending: read the error codes and resend to those who missed it."),
            note=_("%(n)s failed · run of %(date)s")
            % {"n": run.failed, "date": timezone.localtime(run.created_at).strftime("%Y-%m-%d %H:%M")},
        )
        for run in runs
    ]
    notices = Notice.objects.filter(status=Notice.Status.FAILED, created_at__gte=since).count()
    summaries = [Summary(_("Failed notices"), notices, reverse("sms_notice:index") + "?status=failed")]
    return items, summaries


def panels_for(user) -> list[WorkPanel]:
    panels = []
    index = reverse("sms_campaign:index")
    if can_approve(user):
        panels.append(
            WorkPanel(
                "sms-to-review",
                _("SMS campaigns awaiting my approval"),
                lambda: awaiting_review(user),
                more_url=f"{index}?status=pending",
                order=25,
            )
        )
    if can_change(user):
        panels.append(WorkPanel("sms-campaigns", _("SMS campaigns by state"), by_state, more_url=index, order=30))
        panels.append(
            WorkPanel(
                "sms-failures",
                _("Recent sending failures"),
                recent_failures,
                more_url=reverse("sms_message:index") + "?status=failed",
                order=31,
                empty=_("No failure in the last seven days."),
            )
        )
    return panels
