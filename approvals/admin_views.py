"""Staff screens in the Wagtail admin (网上审批): the work queue and one case with the actions its viewer may take.

Window staff see their own service centre's applications; a department handler sees the steps assigned to their
department (and, for a city department, the cases of its items handled at township centres). Every action is a
POST carrying the version of the case the actor saw, calling one service; a stale version loses with a message.
"""

from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from approvals import dashboard, permissions, services
from approvals.forms import ApplyForm
from approvals.models import Application, ApplicationStep, State, StepKind, StepState
from approvals.tracking import staff_number
from core.dashboard import CARD_LABELS, clock_levels

PER_PAGE = 50


def staff_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.is_staff_user(request.user):
            return TemplateResponse(request, "approvals/admin/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def department_queue(department):
    """A department's open steps, soonest due first: the handler's work queue."""
    return (
        ApplicationStep.objects.filter(department=department, state=StepState.ACTIVE)
        .select_related("application__item", "assignee")
        .order_by("due_at", "pk")
    )


def centre_queue(centre, states):
    return (
        Application.objects.filter(service_centre=centre, state__in=states)
        .select_related("item")
        .order_by("submitted_at", "pk")
    )


TABS = {
    "steps": gettext_lazy("My department's steps"),
    "window": gettext_lazy("Window: to accept or complete"),
    "all": gettext_lazy("All visible applications"),
}


@staff_required
def queue(request):
    user = request.user
    department = permissions.department_of(user)
    tabs = []
    if permissions.has_role(user, "department_handler") and department:
        tabs.append("steps")
    if permissions.has_role(user, "window_staff") and department:
        tabs.append("window")
    tabs.append("all")
    tab = request.GET.get("show") if request.GET.get("show") in tabs else tabs[0]
    state = request.GET.get("state", "")
    context = {"tabs": [(key, TABS[key]) for key in tabs], "tab": tab, "department": department, "state": state}
    if tab == "steps":
        rows = department_queue(department)
    elif tab == "window":
        rows = centre_queue(department, [State.SUBMITTED, State.SUPPLEMENTING, State.APPROVED, State.REFUSED])
    else:
        rows = (
            Application.objects.filter(permissions.visible_applications_filter(user))
            .distinct()
            .select_related("item", "service_centre")
            .order_by("-submitted_at", "-pk")
        )
        if state in State.values:
            rows = rows.filter(state=state)
        if q := request.GET.get("q", "").strip():
            rows = rows.filter(tracking_number__icontains=q)
    if tab != "steps":
        rows = dashboard.with_acceptance_due(rows)
    context["page"] = page = Paginator(rows, PER_PAGE).get_page(request.GET.get("p"))
    _mark_urgency(page.object_list, tab)
    context["states"] = State.choices
    return TemplateResponse(request, "approvals/admin/queue.html", context)


def _mark_urgency(rows, tab):
    """Give each row of the page its deadline, its supervision card and whether it is overdue (one query)."""
    rows = list(rows)
    now = timezone.now()
    if tab == "steps":
        keys = {row.pk: row.clock_key for row in rows}
    else:
        keys = {row.pk: dashboard.step_key(row.acceptance_step) for row in rows if row.acceptance_step}
    levels = clock_levels(keys.values())
    for row in rows:
        clock = levels.get(keys.get(row.pk))
        if tab == "steps":
            row.deadline = None if row.paused_at else row.due_at
        else:
            row.deadline = row.due_at or row.acceptance_due
        row.card = clock.level if clock else ""
        row.card_label = CARD_LABELS.get(row.card, "")
        row.overdue = row.deadline is not None and row.deadline <= now and row.state in OPEN_STATES


OPEN_STATES = {StepState.ACTIVE, State.SUBMITTED, State.IN_REVIEW, State.APPROVED, State.REFUSED}


class DecisionForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", pgettext_lazy("decision", "Approve")), ("refuse", gettext_lazy("Refuse"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=gettext_lazy("Opinion"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"))


class NotAcceptForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"))


class SupplementRequestForm(forms.Form):
    materials = forms.CharField(
        label=gettext_lazy("Every missing material, one per line"), widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(label=gettext_lazy("Note to the applicant"), required=False)
    justification = forms.CharField(
        label=gettext_lazy("Justification (required for a second request; reported to supervision)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(forms.Form):
    document = forms.FileField(label=gettext_lazy("Result document (PDF)"))


def _application_for(request, pk):
    app = get_object_or_404(Application.objects.select_related("item__department", "service_centre"), pk=pk)
    if not permissions.can_view_application(request.user, app):
        raise PermissionDenied
    return app


@staff_required
def detail(request, pk, forms_=None):
    app = _application_for(request, pk)
    user = request.user
    steps = list(app.steps.select_related("department", "assignee__cadre__department").order_by("order", "pk"))
    for step in steps:
        step.officer = staff_number(step.assignee)
        step.mine = (
            step.state == StepState.ACTIVE
            and step.kind == StepKind.REVIEW
            and step.paused_at is None
            and (permissions.handles_department(user, step.department_id))
        )
    forms_ = forms_ or {}
    is_window = permissions.is_staff_of_centre(user, app.service_centre_id)
    context = {
        "app": app,
        "steps": steps,
        "my_steps": [
            (step, forms_.get(f"decide-{step.pk}") or DecisionForm(initial={"step": step.pk}))
            for step in steps
            if step.mine
        ],
        "events": app.events.select_related("step", "department").order_by("occurred_at", "pk"),
        "files": app.submitted_materials.select_related("material"),
        "notices": app.supplement_notices.all(),
        "can_accept": is_window and app.state == State.SUBMITTED,
        "can_supplement": app.state in (State.SUBMITTED, State.IN_REVIEW)
        and services.can_request_supplement(user, app),
        "can_complete": app.state in (State.APPROVED, State.REFUSED) and services.can_complete(user, app),
        "not_accept_form": forms_.get("not_accept") or NotAcceptForm(),
        "supplement_form": forms_.get("supplement") or SupplementRequestForm(),
        "complete_form": forms_.get("complete") or CompleteForm(),
    }
    return TemplateResponse(request, "approvals/admin/detail.html", context)


def _stale_version(request, app):
    try:
        app.version = int(request.POST.get("version", ""))
    except ValueError:
        app.version = -1
    return app


def _act(request, app, action, on_error_form=None):
    try:
        action()
    except ValidationError as exc:
        if on_error_form is not None and hasattr(exc, "error_dict"):
            name, form = on_error_form
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return detail(request, app.pk, forms_={name: form})
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        messages.success(request, _("Done."))
    return redirect("approvals_admin:detail", app.pk)


@require_POST
@staff_required
def accept(request, pk):
    app = _stale_version(request, _application_for(request, pk))
    return _act(request, app, lambda: services.accept_application(app, by=request.user))


@require_POST
@staff_required
def not_accept(request, pk):
    app = _stale_version(request, _application_for(request, pk))
    form = NotAcceptForm(request.POST)
    if not form.is_valid():
        return detail(request, pk, forms_={"not_accept": form})
    return _act(
        request,
        app,
        lambda: services.refuse_acceptance(app, by=request.user, **form.cleaned_data),
        ("not_accept", form),
    )


@require_POST
@staff_required
def request_supplement(request, pk):
    app = _stale_version(request, _application_for(request, pk))
    form = SupplementRequestForm(request.POST)
    if not form.is_valid():
        return detail(request, pk, forms_={"supplement": form})
    data = form.cleaned_data
    return _act(
        request,
        app,
        lambda: services.request_supplement(
            app,
            by=request.user,
            materials=data["materials"].splitlines(),
            note=data["note"],
            justification=data["justification"],
        ),
        ("supplement", form),
    )


@require_POST
@staff_required
def decide(request, pk):
    app = _application_for(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        step_id = request.POST.get("step", "")
        return detail(request, pk, forms_={f"decide-{step_id}": form})
    step = get_object_or_404(ApplicationStep, pk=form.cleaned_data["step"], application=app)
    data = form.cleaned_data
    return _act(
        request,
        app,
        lambda: services.decide_step(
            step,
            by=request.user,
            approve=data["decision"] == "approve",
            opinion=data["opinion"],
            legal_basis=data["legal_basis"],
        ),
        (f"decide-{step.pk}", form),
    )


@require_POST
@staff_required
def take(request, pk):
    app = _application_for(request, pk)
    step = get_object_or_404(ApplicationStep, pk=request.POST.get("step") or 0, application=app)
    return _act(request, app, lambda: services.take_step(step, by=request.user))


@require_POST
@staff_required
def complete(request, pk):
    app = _stale_version(request, _application_for(request, pk))
    form = CompleteForm(request.POST, request.FILES)
    if not form.is_valid():
        return detail(request, pk, forms_={"complete": form})
    return _act(
        request,
        app,
        lambda: services.complete_application(app, by=request.user, document=form.cleaned_data["document"]),
        ("complete", form),
    )


@staff_required
def walk_in(request):
    """Window staff enter a walk-in applicant's application for an item their centre handles."""
    centre = permissions.department_of(request.user)
    if not permissions.has_role(request.user, "window_staff") or centre is None:
        return TemplateResponse(request, "approvals/admin/forbidden.html", status=403)
    items = services.items_for_centre(centre).order_by("code")
    item = items.filter(code=request.GET.get("item", "")).first()
    form = None
    if item is not None:
        form = ApplyForm(request.POST or None, request.FILES or None, item=item, centres=[centre])
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.submit_application(
                    item,
                    service_centre=centre,
                    applicant_kind=data["applicant_kind"],
                    applicant_name=data["applicant_name"],
                    applicant_phone=data["applicant_phone"],
                    organisation_code=data["organisation_code"],
                    description=data["description"],
                    files=form.files_given(),
                    by=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, getattr(exc, "messages", [str(exc)]))
            else:
                return TemplateResponse(
                    request,
                    "approvals/admin/walk_in_done.html",
                    {"app": submission.application, "code": submission.code},
                )
    return TemplateResponse(
        request, "approvals/admin/walk_in.html", {"items": items, "item": item, "form": form, "centre": centre}
    )
