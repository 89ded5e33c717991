"""Public pages: the catalogue, applying online, and tracking by number and code. Logic lives in services."""

import mimetypes
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from approvals import performance, performance_charts, performance_export, permissions, selectors, services
from approvals.export import catalogue as export_catalogue
from approvals.flowchart import flowchart_svg
from approvals.forms import ApplyForm, CatalogueFilterForm, RateForm, SupplementForm, TrackForm, WithdrawForm
from approvals.models import Application, ApplicationStep, ApprovalItem, SubmittedMaterial
from approvals.tracking import grant_tracking, is_granted, tracking_for
from core import idempotency, ratelimit
from core.client import client_address

ITEMS_PER_PAGE = 20


def _published():
    return ApprovalItem.objects.filter(is_published=True).select_related("department")


def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    items = _published().order_by("department__path", "code")
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            items = items.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(summary__icontains=q))
        if department := form.cleaned_data["department"]:
            items = items.filter(department=department)
        if theme := form.cleaned_data["theme"]:
            items = items.filter(theme=theme)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "approvals/catalogue.html", {"form": form, "page": page, "query": query.urlencode()})


def catalogue_json(request):
    response = JsonResponse(export_catalogue(request), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _item(code):
    return get_object_or_404(
        _published().prefetch_related("materials", "steps__departments", "township_centres"), code=code
    )


def item_detail(request, code):
    item = _item(code)
    return render(
        request,
        "approvals/item.html",
        {
            "item": item,
            "flowchart": mark_safe(flowchart_svg(item)),  # built with escape() from our own data
            "places": selectors.handling_places(item),
        },
    )


def item_flowchart(request, code):
    return HttpResponse(flowchart_svg(_item(code)), content_type="image/svg+xml; charset=utf-8")


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request, code):
    item = _item(code)
    centres = services.service_centres_for(item)
    posted = request.method == "POST"
    form = ApplyForm(request.POST if posted else None, request.FILES if posted else None, item=item, centres=centres)
    key = idempotency.key_from(request) if posted else ""
    # A resend (same key) gets the first answer before the address limit: it creates nothing, so it is not counted.
    resent = services.resent_application(key)
    if resent is not None:
        return _submitted(request, resent)
    valid = posted and form.is_valid()
    if posted and not _allow_application(request):
        form.add_error(None, _("Too many applications from this connection. Please try again later."))
    elif valid:
        data = form.cleaned_data
        try:
            submission = services.submit_application(
                item,
                service_centre=data["service_centre"],
                applicant_kind=data["applicant_kind"],
                applicant_name=data["applicant_name"],
                applicant_phone=data["applicant_phone"],
                organisation_code=data["organisation_code"],
                description=data["description"],
                files=form.files_given(),
                idempotency_key=key,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _submitted(request, submission)
    return render(request, "approvals/apply.html", {"item": item, "form": form})


def _submitted(request, submission):
    grant_tracking(request, submission.application.pk)
    return render(request, "approvals/submitted.html", {"application": submission.application, "code": submission.code})


def _allow_application(request):
    """Online applications per client address per hour (the address only as an HMAC in a cache key).

    Fails open (core/ratelimit.py): an application refused for a Redis outage is a citizen turned away.
    """
    bucket, _ends = ratelimit.window_bucket(time.time(), 3600)
    key = f"approvals:apply:{ratelimit.hashed_ip('approvals.apply', client_address(request))}:{bucket}"
    return ratelimit.increment(key, 3600, fail_open=True) <= settings.APPROVALS_APPLICATIONS_PER_HOUR


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None, initial={"tracking_number": request.GET.get("number", "")})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            found = services.find_for_tracking(
                form.cleaned_data["tracking_number"], form.cleaned_data["code"], client_address(request)
            )
        except services.RateLimited:
            form.add_error(None, _("Too many failed attempts. Please try again later."))
            status = 429
        else:
            if found is not None:
                grant_tracking(request, found.pk)
                return redirect("approvals:track_detail", number=found.tracking_number)
            # The same words whether the number does not exist or the code is wrong.
            form.add_error(None, _("No application matches this tracking number and query code."))
    return render(request, "approvals/track.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def track_detail(request, number):
    pk = Application.objects.filter(tracking_number=number).values_list("pk", flat=True).first()
    if pk is None or not is_granted(request, pk):
        return redirect(f"{reverse('approvals:track')}?number={number}")
    view = tracking_for(pk)
    app = view.application
    supplement = SupplementForm(names=view.supplement_materials)
    withdraw = WithdrawForm()
    rate = None
    rate_forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            # A resend of a supplement that went through finds the case moved on: its key gives the first answer.
            if action == "supplement" and (view.can_supplement or idempotency.key_from(request)):
                supplement = SupplementForm(request.POST, request.FILES, names=view.supplement_materials)
                if supplement.is_valid():
                    services.supplement_application(
                        app, files=supplement.files_given(), idempotency_key=idempotency.key_from(request)
                    )
                    messages.success(request, _("Thank you: your materials were received and the review continues."))
                    return redirect(request.path)
            elif action == "rate" and (rate_target := _rate_target(request, view)) is not None:
                step, prefix = rate_target
                rate = rate_forms[prefix] = RateForm(request.POST, prefix=prefix)
                if rate.is_valid():
                    key = idempotency.key_from(request)
                    services.rate(app, step=step, idempotency_key=key, **rate.values())
                    messages.success(request, _("Thank you for your rating."))
                    return redirect(request.path)
            elif action == "withdraw" and view.can_withdraw:
                withdraw = WithdrawForm(request.POST)
                if withdraw.is_valid():
                    services.withdraw_application(app, reason=withdraw.cleaned_data["reason"])
                    messages.success(request, _("Your application was withdrawn."))
                    return redirect(request.path)
            else:
                messages.error(request, _("This cannot be done at this stage."))
                return redirect(request.path)
        except ValidationError as exc:
            target = {"supplement": supplement, "rate": rate, "withdraw": withdraw}.get(action)
            _add_errors(target, exc)
    files = list(app.submitted_materials.select_related("material"))
    for finished in view.finished_steps:
        if finished.can_rate:
            prefix = f"step{finished.id}"
            finished.form = rate_forms.get(prefix) or RateForm(prefix=prefix)
    case_rate = rate_forms.get("case") or RateForm(prefix="case")
    return render(
        request,
        "approvals/track_detail.html",
        {"view": view, "files": files, "supplement": supplement, "rate": case_rate, "withdraw": withdraw},
    )


def _rate_target(request, view):
    """(step or None, form prefix) of what this rating is for, if the applicant may rate it now.

    A resend of a rating that went through (its idempotency key) finds it rated: the service gives the first answer.
    """
    resend = bool(idempotency.key_from(request))
    raw = request.POST.get("step", "")
    if not raw:
        return (None, "case") if view.can_rate or (resend and view.case_stars is not None) else None
    finished = next((s for s in view.finished_steps if str(s.id) == raw), None)
    if finished is None or not (finished.can_rate or resend):
        return None
    return ApplicationStep.objects.get(pk=finished.id), f"step{finished.id}"


def _may_read(request, application):
    if is_granted(request, application.pk):
        return True
    return request.user.is_authenticated and permissions.can_view_application(request.user, application)


def _serve(fieldfile, download_name):
    response = FileResponse(fieldfile.open("rb"), as_attachment=True, filename=download_name)
    response["Content-Type"] = mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def material_file(request, pk):
    row = SubmittedMaterial.objects.select_related("application__item").exclude(file="").filter(pk=pk).first()
    if row is None or not _may_read(request, row.application):
        raise Http404
    return _serve(row.file, row.original_name)


@never_cache
def result_file(request, number):
    app = Application.objects.select_related("item").filter(tracking_number=number).first()
    if app is None or not app.result_document or not _may_read(request, app):
        raise Http404
    return _serve(app.result_document, app.result_document_name or "result.pdf")


def _months_choice(request, report):
    """The month asked for (?month=YYYY-MM among those shown), else the latest month with figures."""
    wanted = request.GET.get("month", "")
    for month in report.months:
        if f"{month:%Y-%m}" == wanted:
            return month
    with_data = [m for m in report.months if m in report.city.by_month]
    return with_data[-1] if with_data else report.months[-1]


def performance_page(request):
    """阳光政务: the city's and each department's monthly figures, charts drawn here, open data linked."""
    report = performance.report()
    month = _months_choice(request, report)
    unit = report.unit(request.GET.get("unit", "")) or report.city
    return render(
        request,
        "approvals/performance.html",
        {
            "report": report,
            "month": month,
            "unit": unit,
            "city": report.city.at(month),
            "rows": [(u, u.at(month)) for u in report.departments if month in u.by_month],
            "trend": unit.series(report.months),
            "trend_svg": mark_safe(performance_charts.trend_svg(unit, report.months)),  # escaped inside
            "on_time_svg": mark_safe(performance_charts.on_time_svg(report.departments, month)),
        },
    )


def _open_data(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=600"
    return response


def performance_json(request):
    report = performance.report(performance.stored_months() or None)
    data = performance_export.as_json(report)
    return _open_data(JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1}))


def performance_csv(request):
    report = performance.report(performance.stored_months() or None)
    response = HttpResponse(performance_export.as_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="approvals-performance.csv"'
    return _open_data(response)
