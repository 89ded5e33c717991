"""Wagtail admin pages of the study app: the study record by department (CSV), a task's completion (XLSX)."""

import datetime

from django.core.exceptions import PermissionDenied
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
    rows = []
    for department, name, post, pages_done, best_score, completed_at in assignments.completion_rows(task, departments):
        done_at = timezone.localtime(completed_at).strftime("%Y-%m-%d %H:%M") if completed_at else ""
        score = "" if best_score is None else best_score
        rows.append((department, name, post, f"{pages_done}/{page_count}", score, done_at))
    if request.GET.get("format") == "xlsx":
        heads = [
            _("Department"),
            pgettext("person", "Name"),
            pgettext("cadre", "Post"),
            _("Pages studied"),
            _("Best quiz score"),
        ]
        not_done = _("Not done")
        table = [[*heads, _("Completed at")], *([*row[:5], row[5] or not_done] for row in rows)]
        response = HttpResponse(
            stats.to_xlsx(table), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="study-task-{task.pk}.xlsx"'
        return response
    done = sum(1 for row in rows if row[5])
    return TemplateResponse(request, "study/completion.html", {"task": task, "rows": rows, "done": done})


def admin_urls():
    from django.urls import path

    return [
        path("record/", study_record, name="study_record"),
        path("tasks/<int:pk>/completion/", completion, name="completion"),
    ]
