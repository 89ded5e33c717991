"""The SMS platform in the Wagtail admin: campaigns (edit, review, progress) and the read-only message log."""

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import BaseButton, Button

from core import idempotency
from core.admin_records import RecordViewSet
from sms import admin_views, retention
from sms.forms import CampaignForm
from sms.models import Campaign, CampaignRun, Delivery, DeliveryStatus, Message, Notice
from sms.replies import handler_label
from sms.summaries import audience_summary, progress_summary, timing_summary
from sms.template_viewsets import SmsSignatureViewSet, SmsTemplateViewSet

STATUS_PRIMARY = {Campaign.Status.PENDING, Campaign.Status.APPROVED, Campaign.Status.SENDING}


def _latest_run_count(condition=None):
    """Deliveries of the campaign's latest run (matching condition), as a subquery: one query for the whole page."""
    latest_run = CampaignRun.objects.filter(campaign=OuterRef(OuterRef("pk"))).order_by("-created_at").values("pk")[:1]
    deliveries = Delivery.objects.filter(run_id=Subquery(latest_run))
    if condition is not None:
        deliveries = deliveries.filter(condition)
    counted = deliveries.order_by().values("run_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class RowButton(BaseButton):
    """An action shown on the row itself, outside the "more" menu."""


class CampaignIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("approved_by", "phrase")
            .prefetch_related("departments", "groups", "exclude_departments", "exclude_groups", "exclude_cadres")
            .annotate(
                latest_total=_latest_run_count(),
                latest_pending=_latest_run_count(Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING])),
            )
        )

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # The title opens the review and progress page, where every action on a campaign is.
        column_class = self._get_title_column_class(column_class)
        return self._get_custom_column(field_name, column_class, get_url=self.get_inspect_url, **kwargs)

    def get_list_more_buttons(self, instance):
        inspect_url = self.get_inspect_url(instance)
        buttons = [button for button in super().get_list_more_buttons(instance) if button.url != inspect_url]
        if inspect_url:
            user = self.request.user
            waiting = instance.status == Campaign.Status.PENDING and admin_views.can_approve(user)
            waiting = waiting and not admin_views.is_own(instance, user)  # four eyes: not their own
            label = gettext("Review and approve") if waiting else gettext("Review and progress")
            buttons.insert(0, RowButton(label, url=inspect_url, icon_name="view", classname="button-small"))
        return buttons


class CampaignCreateView(generic.CreateView):
    template_name = "sms/admin/campaign_create.html"  # with the form's idempotency key

    def save_instance(self):
        # A double click or a resend after a timeout opens the first campaign instead of making a second one.
        def create():
            self.form.instance.created_by = self.request.user
            return generic.CreateView.save_instance(self)

        key, owner = idempotency.key_from(self.request), idempotency.owner_of(self.request.user)
        return idempotency.once("sms.campaign", key, create, owner=owner, model=Campaign)

    def get_success_url(self):
        return reverse("sms_campaign:inspect", args=[self.object.pk])


class CampaignEditView(generic.EditView):
    def save_instance(self):
        from sms import services

        campaign = super().save_instance()
        # Approval vouches for a fingerprint of content, audience and timing (taken after the m2m fields saved).
        if campaign.approved_fingerprint and not campaign.is_approved:
            services.mark_edited(campaign, by=self.request.user)
            campaign.refresh_from_db()
            self.needs_approval_again = True
        return campaign

    def save_action(self):
        response = super().save_action()
        if getattr(self, "needs_approval_again", False):
            messages.warning(
                self.request,
                gettext("The campaign was approved, and has changed since: it is a draft again and needs approval."),
            )
        return response

    def get_success_url(self):
        return reverse("sms_campaign:inspect", args=[self.object.pk])

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                gettext("Review and progress"),
                url=reverse("sms_campaign:inspect", args=[self.object.pk]),
                icon_name="view",
                priority=5,
            )
        )
        return buttons


class CampaignViewSet(ModelViewSet):
    model = Campaign
    name = "sms_campaign"
    url_prefix = "sms/campaign"
    icon = "mail"
    menu_label = _("SMS campaigns")
    menu_order = 100
    add_to_admin_menu = False
    copy_view_enabled = True
    inspect_view_enabled = True
    index_view_class = CampaignIndexView
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    inspect_view_class = admin_views.CampaignInspectView
    list_filter = ["status", "timing"]
    search_fields = ["title", "text", "phrase__text"]
    search_backend_name = None  # ORM icontains: finds Chinese substrings
    list_per_page = 30
    list_display = [
        "title",
        StatusTagColumn(
            "get_status_display",
            label=_("status"),
            sort_key="status",
            primary=lambda campaign: campaign.status in STATUS_PRIMARY,
        ),
        Column("timing", label=_("when"), accessor=timing_summary, sort_key="timing"),
        Column("audience", label=_("audience"), accessor=audience_summary),
        Column("approved_by", label=_("approved by")),
        Column("progress", label=_("progress of the latest run"), accessor=progress_summary),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("template"),
                    FieldPanel("template_values"),
                    FieldPanel("phrase"),
                    FieldPanel("text"),
                    PageChooserPanel("link_page"),
                ],
                heading=_("Content"),
            ),
            ObjectList(
                [
                    FieldPanel("all_cadres"),
                    FieldPanel("departments"),
                    FieldPanel("groups", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("posts"),
                    FieldPanel("ranks"),
                    MultiFieldPanel(
                        [
                            FieldPanel("exclude_departments"),
                            FieldPanel("exclude_groups", widget=forms.CheckboxSelectMultiple),
                            FieldPanel("exclude_cadres"),
                        ],
                        heading=_("Exclusions"),
                    ),
                ],
                heading=_("Audience"),
            ),
            ObjectList(
                [
                    FieldPanel("timing", widget=forms.RadioSelect),
                    FieldPanel("send_at"),
                    FieldRowPanel([FieldPanel("repeat"), FieldPanel("repeat_time")]),
                    FieldRowPanel([FieldPanel("repeat_weekday"), FieldPanel("repeat_day")]),
                    MultiFieldPanel([FieldPanel("cron")], heading=_("Advanced"), classname="collapsed"),
                    FieldRowPanel([FieldPanel("holiday_days_before"), FieldPanel("holiday_send_time")]),
                ],
                heading=_("Timing"),
            ),
        ],
        base_form_class=CampaignForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("submit/<int:pk>/", admin_views.submit, name="submit"),
            path("approve/<int:pk>/", admin_views.approve, name="approve"),
            path("cancel/<int:pk>/", admin_views.cancel, name="cancel"),
            path("test/<int:pk>/", admin_views.send_test, name="test"),
            path("export/<int:pk>/<int:run_pk>/", admin_views.export_deliveries, name="export"),
        ]


class DigestSearchMixin:
    """A typed number also finds the rows whose citizen number was replaced by its keyed hash (sms/retention.py)."""

    def search_queryset(self, queryset):
        found = super().search_queryset(queryset)
        digest = retention.digest_of_query(self.search_query) if self.is_searching else ""
        return (found | queryset.filter(phone_digest=digest)) if digest else found


class MessageIndexView(DigestSearchMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("cadre__department")


class MessageViewSet(RecordViewSet):
    model = Message
    name = "sms_message"
    url_prefix = "sms/message"
    icon = "list-ul"
    menu_label = _("Message log")
    menu_order = 110
    index_view_class = MessageIndexView
    list_display = [
        TitleColumn("created_at", label=_("created")),
        "direction",
        "kind",
        Column("phone", label=_("phone")),
        Column("cadre", label=_("cadre")),
        "status",
        "segments",
    ]
    list_filter = ["direction", "kind", "status", "created_at"]
    search_backend_name = None  # ORM icontains: a cadre's history by part of their name or number
    search_fields = ["phone", "body", "provider_id", "cadre__name"]
    inspect_view_fields = [
        "created_at",
        "direction",
        "kind",
        "phone",
        "cadre",
        "body",
        "encoding",
        "segments",
        "gateway",
        "provider_id",
        "status",
        "error_code",
        "status_changed_at",
    ]


class InboxIndexView(generic.IndexView):
    page_title = _("Inbox")

    def get_base_queryset(self):
        return super().get_base_queryset().filter(direction="in").select_related("cadre__department")


class InboxViewSet(RecordViewSet):
    """Messages cadres sent us: replies (退订/TD, 帮助, quiz answers), each already routed by its keyword."""

    model = Message
    name = "sms_inbox"
    url_prefix = "sms/inbox"
    icon = "mail"
    menu_label = _("Inbox")
    menu_order = 105
    index_view_class = InboxIndexView
    list_display = [
        TitleColumn("created_at", label=_("received")),
        Column("phone", label=_("phone")),
        Column("cadre", label=_("cadre")),
        Column("body", label=_("text")),
        Column("handled_by", label=_("handled as"), accessor=lambda message: handler_label(message.handled_by)),
    ]
    list_filter = ["created_at"]
    search_fields = ["phone", "body", "cadre__name"]
    search_backend_name = None
    inspect_view_fields = ["created_at", "phone", "cadre", "body", "gateway", "provider_id"]


class NoticeIndexView(DigestSearchMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("cadre")


class NoticeViewSet(RecordViewSet):
    """Transactional SMS other platforms queued (sms.notices): what each applicant or handler was told, or why not."""

    model = Notice
    name = "sms_notice"
    url_prefix = "sms/notice"
    icon = "info-circle"
    menu_label = _("Notices")
    menu_order = 120
    list_display = [
        TitleColumn("created_at", label=_("created")),
        Column("purpose", label=pgettext_lazy("sms notice", "Purpose")),
        Column("phone", label=_("phone")),
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["key", "phone", "body"]
    inspect_view_fields = [
        "created_at",
        "purpose",
        "key",
        "phone",
        "cadre",
        "body",
        "status",
        "attempts",
        "error",
        "message",
        "sent_at",
    ]
    index_view_class = NoticeIndexView


class SmsViewSetGroup(ModelViewSetGroup):
    items = (CampaignViewSet, InboxViewSet, MessageViewSet, NoticeViewSet, SmsTemplateViewSet, SmsSignatureViewSet)
    menu_icon = "mail"
    menu_label = _("SMS platform")
    menu_name = "sms"
    menu_order = 310  # right after the cadre directory (300)
