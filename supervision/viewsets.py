"""Supervision in the Wagtail admin: read-only records (clocks, alerts, findings, events, audit, cases), thresholds."""

import django_filters
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from core.admin_records import RecordViewSet
from core.events import label_for
from supervision.audit_labels import reference_label
from supervision.models import Alert, AuditRecord, Clock, Finding, ReceivedEvent, SupervisionCase, ThresholdPolicy


class TimelineColumn(Column):
    """A link to the subject's timeline, named by the case number when the row has one (never the internal key)."""

    cell_template_name = "supervision/admin/subject_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = reverse("supervision_timeline") + f"?subject={instance.subject}"
        context["value"] = getattr(instance, "reference", "") or _("Timeline") if instance.subject else ""
        return context


class AuditKindColumn(Column):
    """The record's kind as a word (core.events label_for), never its code."""

    def get_value(self, instance):
        return label_for(instance.kind)


class AuditRefColumn(Column):
    """What the record is about as a word and a number ("论坛管理操作 #12"), never its internal reference."""

    def get_value(self, instance):
        return reference_label(instance.ref)


class LinkColumn(Column):
    """A fixed link per row (an action such as opening a case)."""

    cell_template_name = "supervision/admin/link_cell.html"

    def __init__(self, name, *, text, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self.text, self.get_url = text, get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(url=self.get_url(instance), text=self.text)
        return context


def _open_case_url(finding):
    if finding.case_id:
        return reverse("supervision_case_detail", args=[finding.case_id])
    return reverse("supervision_case_open") + f"?finding={finding.pk}"


def _finding_url(finding):
    """A finding's title opens its case's timeline, where it sits beside the events it judges."""
    if finding.subject:
        return reverse("supervision_timeline") + f"?subject={finding.subject}"
    return reverse("supervision_finding:inspect", args=[finding.pk])


def _index(related):
    class IndexView(generic.IndexView):
        def get_base_queryset(self):
            return super().get_base_queryset().select_related(*related)

    return IndexView


class ClockFilterSet(WagtailFilterSet):
    """The state takes several values (the dashboard's tiles list the open clocks: running and paused)."""

    state = django_filters.MultipleChoiceFilter(
        choices=Clock.State.choices, label=_("state"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Clock
        fields = ["state", "level", "due_at"]


class ClockViewSet(RecordViewSet):
    model = Clock
    name = "supervision_clock"
    url_prefix = "supervision/clock"
    icon = "time"
    menu_label = _("Clocks")
    menu_order = 110
    index_view_class = _index(["department", "handler"])
    list_display = [
        TitleColumn("label", label=_("what is timed")),
        TimelineColumn("subject", label=pgettext_lazy("supervision", "subject")),
        Column("department", label=_("department")),
        Column("handler", label=_("handler")),
        "state",
        "level",
        "due_at",
    ]
    filterset_class = ClockFilterSet
    search_fields = ["label", "key", "subject"]


class AlertViewSet(RecordViewSet):
    model = Alert
    name = "supervision_alert"
    url_prefix = "supervision/alert"
    icon = "warning"
    menu_label = _("Warnings and cards")
    menu_order = 120
    index_view_class = _index(["clock", "department", "handler"])
    list_display = [
        TitleColumn("clock", label=_("clock")),
        "rung",
        "reason",
        Column("department", label=_("department")),
        Column("handler", label=_("handler")),
        "fired_at",
        "notified_at",
    ]
    list_filter = ["rung", "fired_at"]
    search_fields = ["clock__label", "clock__key", "reason"]


class FindingViewSet(RecordViewSet):
    model = Finding
    name = "supervision_finding"
    url_prefix = "supervision/finding"
    icon = "search"
    menu_label = _("Findings")
    menu_order = 130
    index_view_class = _index(["department", "actor", "case"])
    list_display = [
        TitleColumn("message", label=_("finding"), get_url=_finding_url),
        Column("rule_label", label=_("rule")),
        "severity",
        TimelineColumn("subject", label=pgettext_lazy("supervision", "subject")),
        Column("department", label=_("department")),
        "status",
        "created_at",
        LinkColumn("case", text=_("Supervision case"), get_url=_open_case_url, label=_("case")),
    ]
    list_filter = ["rule", "severity", "status", "created_at"]
    search_fields = ["message", "subject", "title"]


class EventViewSet(RecordViewSet):
    model = ReceivedEvent
    name = "supervision_event"
    url_prefix = "supervision/event"
    icon = "list-ul"
    menu_label = _("Received events")
    menu_order = 140
    index_view_class = _index(["department", "actor"])
    list_display = [
        TitleColumn("kind_label", label=_("kind")),
        TimelineColumn("subject", label=pgettext_lazy("supervised case", "Case")),
        "actor_name",
        Column("department", label=_("department")),
        "occurred_at",
    ]
    list_filter = ["source", "kind", "occurred_at"]
    search_fields = ["subject", "reference", "kind", "actor_name"]


class CaseViewSet(RecordViewSet):
    model = SupervisionCase
    name = "supervision_case"
    url_prefix = "supervision/cases"
    icon = "folder-open-inverse"
    menu_label = _("Special supervision cases")
    menu_order = 150
    inspect_view_enabled = False
    list_display = [
        TitleColumn(
            "title",
            label=_("title"),
            get_url=lambda case: reverse("supervision_case_detail", args=[case.pk]),
        ),
        "status",
        "accountability",
        "opened_at",
        "closed_at",
    ]
    list_filter = ["status", "accountability"]
    search_fields = ["title", "notes", "outcome"]


class AuditRecordViewSet(RecordViewSet):
    model = AuditRecord
    name = "supervision_auditrecord"
    url_prefix = "supervision/audit-record"
    icon = "lock"
    menu_label = _("Audit records")
    menu_order = 170
    list_display = [
        TitleColumn("seq", label=_("sequence")),
        AuditKindColumn("kind", label=_("kind")),
        AuditRefColumn("ref", label=_("reference")),
        "recorded_at",
        "hash",
    ]
    list_filter = ["kind", "recorded_at"]
    search_fields = ["ref", "data"]


class ThresholdPolicyViewSet(ModelViewSet):
    model = ThresholdPolicy
    name = "supervision_threshold"
    url_prefix = "supervision/thresholds"
    icon = "cog"
    menu_label = _("Thresholds")
    menu_order = 160
    add_to_admin_menu = False
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = [
        TitleColumn("__str__", label=_("name")),
        "policy",
        "warning_working_days",
        "warning_percent",
        "red_working_days",
        "yellow_cards_for_red",
        "min_step_minutes",
    ]
    form_fields = [
        "policy",
        "name",
        "warning_working_days",
        "warning_percent",
        "red_working_days",
        "yellow_cards_for_red",
        "min_step_minutes",
    ]


class SupervisionViewSetGroup(ModelViewSetGroup):
    items = (
        ClockViewSet,
        AlertViewSet,
        FindingViewSet,
        EventViewSet,
        CaseViewSet,
        ThresholdPolicyViewSet,
        AuditRecordViewSet,
    )
    menu_icon = "view"
    menu_label = _("Electronic supervision")
    menu_name = "supervision"
    menu_order = 320
