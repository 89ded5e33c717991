"""Wagtail admin pages of the quiz app: XLSX import, question statistics (and export)."""

import base64
import datetime
import hashlib

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from directory.models import Department
from quizzes import importing, stats

IMPORT_PERMISSION = "quizzes.add_question"
STATS_PERMISSION = "quizzes.view_attempt"
MAX_UPLOAD = 5 * 1024 * 1024
SESSION_KEY = "quizzes_import"


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("XLSX workbook"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx workbook (Excel 2007 or later)."))
        return upload


def import_questions(request):
    """GET: the form; POST with a file: the preview; POST with confirm: the import (only of the previewed file)."""
    _require(request, IMPORT_PERMISSION)
    form = UploadForm()
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(SESSION_KEY) or {}
        if stored.get("digest") != request.POST.get("digest"):
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("quizzes_admin:import")
        data = base64.b64decode(stored["data"])
        plan = importing.plan_import(data)  # again: the bank may have changed since the preview
        if not plan.valid:
            return _preview(request, plan, stored["digest"], stored.get("name", ""))
        count = importing.apply_plan(plan)
        del request.session[SESSION_KEY]
        messages.success(request, _("%(count)d questions imported.") % {"count": count})
        return redirect("wagtailsnippets_quizzes_question:list")
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                plan = importing.plan_import(data)
            except importing.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                digest = hashlib.sha256(data).hexdigest()
                request.session[SESSION_KEY] = {
                    "digest": digest,
                    "data": base64.b64encode(data).decode(),
                    "name": form.cleaned_data["file"].name,
                }
                return _preview(request, plan, digest, form.cleaned_data["file"].name)
    return TemplateResponse(request, "quizzes/admin/import.html", {"form": form})


def _preview(request, plan, digest, name):
    return TemplateResponse(
        request,
        "quizzes/admin/import_preview.html",
        {"plan": plan, "digest": digest, "name": name, "rows": plan.rows[:300]},
    )


def import_template(request):
    _require(request, IMPORT_PERMISSION)
    response = HttpResponse(
        importing.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="questions-template.xlsx"'
    return response


def _department(request):
    pk = request.GET.get("department")
    return Department.objects.filter(pk=pk).first() if pk and pk.isdigit() else None


def _day(value, default):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def question_statistics(request):
    _require(request, STATS_PERMISSION)
    department = _department(request)
    since = _day(request.GET.get("since"), None)
    until = _day(request.GET.get("until"), None)
    rows = stats.question_stats(department, since, until)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        table = stats.export_rows(rows)
        body = stats.to_csv(table) if fmt == "csv" else stats.to_xlsx(table)
        kind = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="question-statistics.{fmt}"'
        return response
    return TemplateResponse(
        request,
        "quizzes/admin/statistics.html",
        {
            "rows": rows[:200],
            "total": len(rows),
            "department": department,
            "departments": Department.objects.filter(is_active=True).order_by("path"),
            "missed": stats.most_missed(department) if department else [],
            "since": since,
            "until": until,
            "query": request.GET.urlencode(),
        },
    )


def admin_urls():
    from django.urls import path

    return [
        path("import/", import_questions, name="import"),
        path("import/template.xlsx", import_template, name="import_template"),
        path("statistics/", question_statistics, name="statistics"),
    ]


def menu_url(name):
    return reverse(f"quizzes_admin:{name}")
