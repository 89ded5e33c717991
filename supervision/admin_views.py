"""Supervision's admin pages: the dashboard, a subject's timeline, the audit check, the performance report, cases."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from wagtail import hooks
from wagtail.admin import messages

from core import events
from supervision import audit, performance, rules, services
from supervision.models import (
    Alert,
    ChainHead,
    Checkpoint,
    Clock,
    EventCase,
    Finding,
    ReceivedEvent,
    SupervisionCase,
)

VIEW = "supervision.view_clock"
AUDIT = "supervision.view_auditrecord"
CASES = "supervision.change_supervisioncase"
DISMISS = "supervision.change_finding"


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def render(request, template, context, icon="view"):
    """An admin page with Wagtail's slim header: breadcrumbs home > dashboard > this page."""
    title = context["title"]
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}]
    if template != "supervision/admin/dashboard.html":
        crumbs.append({"url": reverse("supervision_dashboard"), "label": _("Electronic supervision")})
    crumbs.append({"url": "", "label": title})
    context.update(header_title=title, page_title=title, breadcrumbs_items=crumbs, header_icon=icon)
    return TemplateResponse(request, template, context)


def live_counts(now=None):
    """The dashboard's figures, in two queries."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    end_of_day = local.replace(hour=23, minute=59, second=59, microsecond=999999)
    open_ = ~Q(state=Clock.State.STOPPED)
    counts = Clock.objects.filter(open_).aggregate(
        open=Count("id"),
        due_today=Count("id", filter=Q(state=Clock.State.RUNNING, due_at__gte=now, due_at__lte=end_of_day)),
        warning=Count("id", filter=Q(level=Clock.Level.WARNING)),
        yellow=Count("id", filter=Q(level=Clock.Level.YELLOW)),
        red=Count("id", filter=Q(level=Clock.Level.RED)),
    )
    counts["findings"] = Finding.objects.filter(status=Finding.Status.OPEN).count()
    return counts


def tiles(counts):
    clocks = reverse("supervision_clock:index")
    findings = reverse("supervision_finding:index")
    return [
        {"key": "open", "label": _("Open clocks"), "n": counts["open"], "url": f"{clocks}?state=running&state=paused"},
        {"key": "due", "label": _("Due today"), "n": counts["due_today"], "url": reverse("supervision_due_today")},
        {
            "key": "warning",
            "label": pgettext("supervision", "Warnings"),
            "n": counts["warning"],
            "url": f"{clocks}?level=warning&state=running&state=paused",
        },
        {
            "key": "yellow",
            "label": _("Yellow cards"),
            "n": counts["yellow"],
            "url": f"{clocks}?level=yellow&state=running&state=paused",
        },
        {
            "key": "red",
            "label": _("Red cards"),
            "n": counts["red"],
            "url": f"{clocks}?level=red&state=running&state=paused",
        },
        {"key": "findings", "label": _("Open findings"), "n": counts["findings"], "url": f"{findings}?status=open"},
    ]


def dashboard(request):
    _require(request, VIEW)
    counts = live_counts()
    recent_alerts = Alert.objects.select_related("clock", "department").order_by("-fired_at", "-pk")[:10]
    recent_findings = Finding.objects.select_related("department").filter(status=Finding.Status.OPEN)[:10]
    return render(
        request,
        "supervision/admin/dashboard.html",
        {
            "title": _("Supervision dashboard"),
            "tiles": tiles(counts),
            "alerts": recent_alerts,
            "findings": recent_findings,
            "refresh_seconds": 60,
        },
    )


def due_today(request):
    _require(request, VIEW)
    now = timezone.now()
    end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    clocks = (
        Clock.objects.filter(state=Clock.State.RUNNING, due_at__gte=now, due_at__lte=end)
        .select_related("department", "handler")
        .order_by("due_at")[:500]
    )
    return render(request, "supervision/admin/clock_list.html", {"title": _("Clocks due today"), "clocks": clocks})


def _first_answer(hook_name, value):
    for fn in hooks.get_hooks(hook_name):
        answer = fn(value)
        if answer:
            return answer
    return None


def subject_url(subject):
    """The source's own admin page for a subject, if some app answers the "supervision_subject_url" hook."""
    return _first_answer("supervision_subject_url", subject)


def find_subject(query):
    """The subject a supervisor means: a case number people see (QF…, TS…) or an internal subject key.

    Looked up in the events supervision has received, so supervision needs no source app to resolve it.
    """
    query = query.strip()[:120]
    if not query:
        return ""
    # Case numbers are issued in capitals (QF…, TS…); people type them as they come.
    by_reference = (
        ReceivedEvent.objects.filter(reference__in={query, query.upper()})
        .order_by("occurred_at", "pk")
        .values("subject")
        .first()
    )
    if by_reference:
        return by_reference["subject"]
    if ReceivedEvent.objects.filter(subject=query).exists() or Clock.objects.filter(subject=query).exists():
        return query
    return ""


def _event_entry(event, kind="event", subject=""):
    moves = []
    if subject and event.subject != subject and isinstance(event.payload.get("moves"), list):
        # The lines of an event about many cases that concern this one: its deadlines, from and to.
        moves = [
            {
                "what": m.get("label") or m.get("step") or m.get("what", ""),
                "from": _moment(m.get("from")),
                "to": _moment(m.get("to")),
            }
            for m in event.payload["moves"]
            if isinstance(m, dict) and m.get("subject") == subject
        ]
    return {
        "moves": moves,
        "at": event.occurred_at,
        "kind": kind,
        "event": event,
        "label": events.label_for(event.kind),
        "from_state": events.state_label(event.source, event.from_state),
        "to_state": events.state_label(event.source, event.to_state),
        "clock_actions": [events.clock_action_label(c.get("action", "")) for c in event.clocks or ()],
    }


def _moment(text):
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def timeline(request):
    _require(request, VIEW)
    query = (request.GET.get("q") or request.GET.get("subject") or "").strip()[:120]
    subject = find_subject(query)
    entries, clocks, findings = [], (), ()
    if subject:
        # Its own events, and those about many cases that name it (a holiday change moving a chunk of deadlines).
        received = list(
            ReceivedEvent.objects.filter(
                Q(subject=subject) | Q(pk__in=EventCase.objects.filter(subject=subject).values("event_id"))
            )
            .select_related("department")
            .order_by("occurred_at", "pk")
        )
        clocks = list(
            Clock.objects.filter(subject=subject)
            .select_related("department", "handler")
            .prefetch_related("alerts")
            .order_by("started_at", "pk")
        )
        findings = list(Finding.objects.filter(subject=subject).select_related("event").order_by("created_at"))
        entries = [_event_entry(e, subject=subject) for e in received]
    else:
        received = []
    for clock in clocks:
        for alert in clock.alerts.all():
            entries.append({"at": alert.fired_at, "kind": "alert", "alert": alert, "clock": clock})
    descriptions = rules.descriptions()
    for finding in findings:
        # Placed at the moment of the event it judges, right after it.
        when = finding.event.occurred_at if finding.event_id else finding.created_at
        entries.append(
            {"at": when, "kind": "finding", "finding": finding, "rule": descriptions.get(finding.rule, finding.title)}
        )
    reference = next((e.reference for e in received if e.reference), "")
    if reference:
        # Other cases about this one (complaints naming its tracking number), in its record as the issue asks.
        related = ReceivedEvent.objects.filter(related_reference=reference).exclude(subject=subject)
        for event in related.select_related("department").order_by("occurred_at", "pk"):
            entries.append(_event_entry(event, "related"))
    entries.sort(key=lambda e: e["at"])
    return render(
        request,
        "supervision/admin/timeline.html",
        {
            "title": _("Timeline"),
            "query": query,
            "subject": subject,
            "not_found": bool(query) and not subject,
            "entries": entries,
            "clocks": clocks,
            "source_url": subject_url(subject) if subject else None,
            "reference": reference,
        },
    )


def audit_check(request):
    _require(request, AUDIT)
    report = audit.check() if request.method == "POST" or request.GET.get("run") else None
    checkpoints = Checkpoint.objects.all()[:30]
    return render(
        request,
        "supervision/admin/audit.html",
        {
            "title": _("Audit trail check"),
            "report": report,
            "first": report.problems[0] if report and report.problems else None,
            "head": ChainHead.objects.filter(pk=1).first(),
            "checkpoints": checkpoints,
        },
    )


def performance_report(request):
    _require(request, VIEW)
    unit = request.GET.get("unit") if request.GET.get("unit") in performance.UNITS else "department"
    period = performance.Period.parse(request.GET.get("period"), request.GET.get("year"), request.GET.get("n"))
    rows = performance.evaluate(period, unit)
    title = _("Performance ranking · %(unit)s · %(period)s") % {"unit": performance.UNITS[unit], "period": period}
    export = request.GET.get("format")
    if export == "csv":
        response = HttpResponse(performance.to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="performance-{unit}-{period.kind}-{period.year}-{period.index}.csv"'
        )
        return response
    if export == "xlsx":
        response = HttpResponse(
            performance.to_xlsx(rows, title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="performance-{unit}-{period.kind}-{period.year}-{period.index}.xlsx"'
        )
        return response
    weights = performance.weights()
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "supervision/admin/performance.html",
        {
            "title": title,
            "rows": [r for r in rows if r.rank is not None],
            "left_out": performance.left_out(rows),
            "unit": unit,
            "units": performance.UNITS.items(),
            "period": period,
            "periods": performance.PERIOD_KINDS.items(),
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "indexes": range(1, {"month": 13, "quarter": 5, "year": 2}[period.kind]),
            "ranking": performance.ranking_chart(rows),
            "trend": performance.trend_chart(performance.trend(period.year)),
            "chart_width": performance.CHART_WIDTH,
            "weights": [(performance.COMPONENT_NAMES[k], v) for k, v in weights.items()],
            "min_volume": performance.minimum_volume(),
            "query": query.urlencode(),
        },
    )


class OpenCaseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    notes = forms.CharField(label=gettext_lazy("Notes"), widget=forms.Textarea, required=False)


class NotesForm(forms.Form):
    notes = forms.CharField(label=gettext_lazy("Notes"), widget=forms.Textarea, required=False)


class CloseCaseForm(forms.Form):
    outcome = forms.CharField(label=gettext_lazy("Outcome"), widget=forms.Textarea)
    accountability = forms.ChoiceField(
        label=gettext_lazy("Accountability"), choices=SupervisionCase.Accountability.choices
    )
    accountable_person = forms.CharField(label=gettext_lazy("Person held accountable"), max_length=100, required=False)


def open_case(request):
    _require(request, CASES)
    ids = [int(i) for i in request.GET.getlist("finding") + request.POST.getlist("finding") if str(i).isdigit()]
    findings = list(Finding.objects.filter(pk__in=ids))
    form = OpenCaseForm(request.POST or None, initial={"title": findings[0].title if findings else ""})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                findings, title=form.cleaned_data["title"], notes=form.cleaned_data["notes"], by=request.user
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Special supervision case opened."))
            return redirect("supervision_case_detail", case.pk)
    return render(
        request,
        "supervision/admin/case_open.html",
        {
            "title": _("Open a special supervision case"),
            "form": form,
            "findings": findings,
            "dismiss_form": DismissForm() if len(findings) == 1 and request.user.has_perm(DISMISS) else None,
        },
    )


class DismissForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it needs no action"), max_length=500)


def dismiss_finding(request, pk):
    _require(request, DISMISS)
    finding = get_object_or_404(Finding, pk=pk)
    if request.method != "POST":
        return redirect(reverse("supervision_case_open") + f"?finding={finding.pk}")
    form = DismissForm(request.POST)
    if finding.status != Finding.Status.OPEN:
        messages.error(request, _("Only an open finding can be dismissed."))
    elif form.is_valid():
        services.dismiss_finding(finding, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Finding dismissed; the reason is in the audit trail."))
    else:
        messages.error(request, _("Give the reason for dismissing the finding."))
    return redirect("supervision_finding:index")


def case_detail(request, pk):
    _require(request, CASES)
    case = get_object_or_404(SupervisionCase, pk=pk)
    notes_form = NotesForm(initial={"notes": case.notes})
    close_form = CloseCaseForm()
    if request.method == "POST":
        try:
            if "save_notes" in request.POST:
                notes_form = NotesForm(request.POST)
                if notes_form.is_valid():
                    services.save_case_notes(case, notes_form.cleaned_data["notes"], request.user)
                    messages.success(request, _("Notes saved."))
                    return redirect("supervision_case_detail", case.pk)
            elif "close" in request.POST:
                close_form = CloseCaseForm(request.POST)
                if close_form.is_valid():
                    services.close_case(case, by=request.user, **close_form.cleaned_data)
                    messages.success(request, _("Case closed; the outcome is in the audit trail."))
                    return redirect("supervision_case_detail", case.pk)
        except services.CaseError as error:
            messages.error(request, str(error))
    return render(
        request,
        "supervision/admin/case_detail.html",
        {
            "title": case.title,
            "case": case,
            "findings": case.findings.select_related("department"),
            "notes_form": notes_form,
            "close_form": close_form,
        },
    )
