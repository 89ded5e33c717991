"""Wagtail admin pages of the study app: the study record by department (CSV), a task's completion (XLSX)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.points import PointSource
from quizzes import stats
from study import assignments, records
from study.models import StudyTask

# The study record by department is read by whoever reads the quiz statistics (the education office's editors).
RECORD_PERMISSION = "quizzes.view_attempt"
# Members per page of a task's completion (完成情况).
PER_PAGE = 100


def _day(value, default):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def study_record(request):
    if not request.user.has_perm(RECORD_PERMISSION):
        raise PermissionDenied
    today = timezone.localdate()
    since = _day(request.GET.get("since"), today.replace(day=1))
    until = _day(request.GET.get("until"), today)
    rows = records.department_study_record(since, until)
    if request.GET.get("format") == "csv":
        table = [[_("Department"), _("Cadres"), pgettext("cadres", "Active"), _("Quiz points"), _("Reading points"),
                  _("Points"), _("Points per cadre")]]  # fmt: skip
        table += [[r["department"].name, r["cadres"], r["active"], r["quiz_points"], r["reading_points"], r["points"],
                   r["per_cadre"]] for r in rows]  # fmt: skip
        response = HttpResponse(stats.to_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="study-record.csv"'
        return response
    caps = {
        "quiz": records.cap(PointSource.QUIZ),
        "reading": records.cap(PointSource.READING),
        "per_read": records.points_per(PointSource.READING),
    }
    return TemplateResponse(
        request,
        "study/study_record.html",
        {"rows": rows, "since": since, "until": until, "caps": caps, "query": request.GET.urlencode()},
    )


def completion(request, pk):
    """完成情况: every member of a task with progress, for the editors or for a unit (its own members); XLSX."""
    if not request.user.has_perm("study.view_studytask"):
        raise PermissionDenied
    task = get_object_or_404(StudyTask.objects.select_related("quiz"), pk=pk)
    departments = None
    if not request.user.has_perm("study.change_studytask"):
        departments = assignments.own_units(request.user)
    page_count = task.pages.count()

    def row(department, name, post, pages_done, best_score, completed_at):
        done_at = timezone.localtime(completed_at).strftime("%Y-%m-%d %H:%M") if completed_at else ""
        return (department, name, post, f"{pages_done}/{page_count}", "" if best_score is None else best_score, done_at)

    members = assignments.completion_rows(task, departments)
    if request.GET.get("format") == "xlsx":
        heads = [
            _("Department"),
            pgettext("person", "Name"),
            pgettext("cadre", "Post"),
            _("Pages studied"),
            _("Best quiz score"),
        ]
        not_done = _("Not done")
        rows = (row(*member) for member in members)
        table = [[*heads, _("Completed at")], *([*r[:5], r[5] or not_done] for r in rows)]
        response = HttpResponse(
            stats.to_xlsx(table), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="study-task-{task.pk}.xlsx"'
        return response
    # The whole unit in numbers (per department), its members a page at a time: thousands of rows in the admin's
    # templates took a second to render; the spreadsheet has them all.
    units = assignments.completion_by_department(task, departments)
    paginator = Paginator(members, PER_PAGE)
    paginator.count = sum(unit["members"] for unit in units)  # known already: no COUNT query
    page = paginator.get_page(request.GET.get("p"))
    context = {
        "task": task,
        "units": units,
        "total": paginator.count,
        "done": sum(unit["done"] for unit in units),
        "page": page,
        "rows": [row(*member) for member in page],
    }
    return TemplateResponse(request, "study/completion.html", context)


def admin_urls():
    from django.urls import path

    return [
        path("record/", study_record, name="study_record"),
        path("tasks/<int:pk>/completion/", completion, name="completion"),
    ]
