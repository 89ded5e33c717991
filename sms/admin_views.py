"""Admin pages of the SMS platform beyond the generic ones: campaign review and progress, the approval actions,
the delivery log export and a cadre's SMS subscription. The work is done by sms.services and sms.progress."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.views import generic

from directory.models import Cadre
from sms import holds, progress, services
from sms.gateways import GatewayError
from sms.models import Campaign, CampaignRun, SubscriptionChange
from sms.summaries import audience_summary, timing_summary

APPROVE_PERMISSION = "sms.approve_campaign"
CHANGE_PERMISSION = "sms.change_campaign"
# Campaign states from which each action makes sense; the services enforce the real transitions.
CANCELLABLE = {Campaign.Status.DRAFT, Campaign.Status.PENDING, Campaign.Status.APPROVED, Campaign.Status.SENDING}
# While a run is being built or sent, the progress page reloads itself this often (seconds).
REFRESH_SECONDS = 10
# What the campaign services raise when an action is refused.
SERVICE_ERRORS = (ValidationError, PermissionDenied)


def can_change(user):
    return user.has_perm(CHANGE_PERMISSION)


def can_approve(user):
    return user.has_perm(APPROVE_PERMISSION)


def can_cancel(user):
    return can_change(user) or can_approve(user)


def is_own(campaign, user):
    """Whether the user wrote or submitted the campaign: they may not also approve it (four eyes)."""
    return user.pk is not None and user.pk in {campaign.created_by_id, campaign.submitted_by_id}


class CampaignInspectView(generic.InspectView):
    """The campaign as the reviewer sees it, with the preview, the actions and the progress of each run."""

    template_name = "sms/admin/campaign_inspect.html"
    page_title = _("Review and progress")

    def get_object(self, queryset=None):
        return get_object_or_404(
            Campaign.objects.select_related(
                "phrase", "link_page", "created_by", "submitted_by", "approved_by", "template"
            ),
            pk=self.pk,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, user = self.object, self.request.user
        runs = progress.campaign_progress(campaign)
        running = any(item.run.status in (CampaignRun.Status.BUILDING, CampaignRun.Status.DISPATCHING) for item in runs)
        show_preview = campaign.status in (Campaign.Status.DRAFT, Campaign.Status.PENDING, Campaign.Status.APPROVED)
        context.update(
            campaign=campaign,
            message_text=services.campaign_text(campaign),
            timing=timing_summary(campaign),
            audience=audience_summary(campaign),
            preview=_preview(campaign) if show_preview else None,
            runs=runs,
            refresh_seconds=REFRESH_SECONDS if running else None,
            can_submit=can_change(user) and campaign.status == Campaign.Status.DRAFT,
            can_test=can_cancel(user) and show_preview,
            hold=holds.active_hold(settings.SMS_GATEWAY),
            can_approve=can_approve(user) and campaign.status == Campaign.Status.PENDING,
            own_campaign=is_own(campaign, user),
            can_cancel=can_cancel(user) and campaign.status in CANCELLABLE,
            fingerprint=campaign.fingerprint(),
        )
        return context


def duration_text(seconds):
    seconds = round(seconds or 0)
    if seconds >= 3600:
        return gettext("%(h)d h %(m)d min") % {"h": seconds // 3600, "m": seconds % 3600 // 60}
    if seconds >= 60:
        return gettext("%(m)d min %(s)d s") % {"m": seconds // 60, "s": seconds % 60}
    return gettext("%(s)d s") % {"s": seconds}


def _preview(campaign):
    result = services.preview(campaign)
    labels = services.SkipReason.labels
    return {
        "recipients": result.recipients,
        "skipped": [(labels.get(reason, reason), count) for reason, count in sorted(result.skipped.items())],
        "encoding": result.encoding,
        "segments": result.segments,
        "characters": result.characters,
        "cost": result.estimated_cost,
        # SMS_RATE 0 means "as fast as the gateway takes them": no estimate then.
        "duration": duration_text(result.estimated_seconds) if settings.SMS_RATE > 0 else "—",
        "rate": settings.SMS_RATE,
        "text": services.final_text(campaign),
        "quiet_hours": settings.SMS_QUIET_HOURS,
        "daily_cap": settings.SMS_DAILY_CAP,
    }


def _error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or gettext("You are not allowed to do this.")


def _act(request, campaign, action, success):
    """Run a campaign service; report the outcome as an admin message and go back to the campaign page."""
    try:
        action()
    except SERVICE_ERRORS as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success)
    return redirect("sms_campaign:inspect", pk=campaign.pk)


@require_POST
def submit(request, pk):
    if not can_change(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=pk)
    return _act(
        request,
        campaign,
        lambda: services.submit_campaign(campaign, by=request.user),
        gettext("“%(title)s” has been submitted for approval.") % {"title": campaign.title},
    )


@require_POST
def approve(request, pk):
    if not can_approve(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=pk)
    if is_own(campaign, request.user):
        messages.error(
            request,
            gettext("You wrote or submitted this campaign, so you cannot approve it: another reviewer must."),
        )
        return redirect("sms_campaign:inspect", pk=campaign.pk)
    # The reviewer approves what they saw: an edit made meanwhile must be reviewed first.
    if request.POST.get("fingerprint") != campaign.fingerprint():
        messages.error(request, gettext("The campaign changed while you were reviewing it. Review it again."))
        return redirect("sms_campaign:inspect", pk=campaign.pk)
    return _act(
        request,
        campaign,
        lambda: services.approve_campaign(campaign, by=request.user),
        gettext("“%(title)s” has been approved.") % {"title": campaign.title},
    )


@require_POST
def send_test(request, pk):
    """Send the campaign's final text to the operator's own phone, before anyone approves it."""
    if not can_cancel(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        message = services.send_test(campaign, by=request.user)
    except SERVICE_ERRORS as error:
        messages.error(request, _error_text(error))
    except GatewayError as error:
        messages.error(request, gettext("The test could not be sent: %(error)s") % {"error": error})
    else:
        messages.success(request, gettext("A test was sent to %(phone)s.") % {"phone": message.phone})
    return redirect("sms_campaign:inspect", pk=campaign.pk)


@require_POST
def cancel(request, pk):
    if not can_cancel(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=pk)
    return _act(
        request,
        campaign,
        lambda: services.cancel_campaign(campaign, by=request.user),
        gettext("“%(title)s” has been cancelled.") % {"title": campaign.title},
    )


def export_deliveries(request, pk, run_pk):
    """The delivery log of one run as CSV, streamed: a run of 100,000 rows never sits in memory."""
    if not request.user.has_perms(["sms.view_campaign"]) and not can_change(request.user):
        raise PermissionDenied
    run = get_object_or_404(CampaignRun.objects.select_related("campaign"), pk=run_pk, campaign_id=pk)
    header = [
        gettext("Cadre"),
        gettext("Phone"),
        gettext("Department"),
        gettext("Status"),
        gettext("Provider message id"),
        gettext("Error"),
        gettext("Attempts"),
        gettext("Queued at"),
        gettext("Sent at"),
        gettext("Delivered at"),
        gettext("First clicked at"),
    ]
    response = StreamingHttpResponse(progress.delivery_log_rows(run, header), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sms-campaign-{run.campaign_id}-run-{run.pk}.csv"'
    return response


# A cadre's SMS subscription ------------------------------------------------------------------------------------


def can_manage_subscriptions(user):
    return user.has_perm("directory.change_cadre") or can_change(user)


def subscription(request, cadre_pk):
    """Show a cadre's integrity-SMS subscription with its history; POST opts the cadre in or out."""
    if not can_manage_subscriptions(request.user):
        raise PermissionDenied
    cadre = get_object_or_404(Cadre.objects.select_related("department"), pk=cadre_pk)
    if request.method == "POST":
        from sms.subscriptions import set_subscription

        opted_in = request.POST.get("opted_in") == "1"
        set_subscription(cadre, opted_in, source=SubscriptionChange.Source.ADMIN, by=request.user)
        if opted_in:
            messages.success(request, gettext("%(name)s will receive integrity SMS again.") % {"name": cadre.name})
        else:
            messages.success(request, gettext("%(name)s will no longer receive integrity SMS.") % {"name": cadre.name})
        return redirect("sms_subscription", cadre_pk=cadre.pk)
    changes = SubscriptionChange.objects.filter(cadre=cadre).select_related("changed_by")[:20]
    return TemplateResponse(
        request,
        "sms/admin/subscription.html",
        {
            "cadre": cadre,
            "changes": changes,
            "cadre_list_url": reverse("wagtailsnippets_directory_cadre:list"),
        },
    )
