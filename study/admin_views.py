"""Wagtail admin pages of the study app: the study record by department (and its CSV)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.points import PointSource
from quizzes import stats
from study import records

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
        table = [[_("Department"), _("Cadres"), _("Active"), _("Quiz points"), _("Reading points"), _("Points"),
                  _("Points per cadre")]]  # fmt: skip
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


def admin_urls():
    from django.urls import path

    return [path("record/", study_record, name="study_record")]
