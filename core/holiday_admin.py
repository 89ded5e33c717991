"""系统设置 → 节假日安排: the administrator keeps each year's holiday schedule by pasting the State Council's notice.

Paste, preview (the month grid and the differences from the package), confirm: only the confirmation writes, and
it re-reads the same text, so what is saved is what was previewed.
"""

import calendar as monthcal
import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import calendar, workdays
from core.holiday_notice import NoticeError, parse_notice
from core.models import HolidaySchedule

MANAGE = "core.manage_holiday_schedule"


class NoticeForm(forms.Form):
    notice = forms.CharField(
        label=gettext_lazy("Text of the State Council's notice"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy("Paste the whole notice, from its title to its date."),
    )


def _require(request):
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied


def _render(request, template, context):
    title = context["title"]
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}]
    if template != "core/holidays/index.html":
        crumbs.append({"url": reverse("core_holidays"), "label": _("Holiday schedule")})
    crumbs.append({"url": "", "label": title})
    context.update(header_title=title, page_title=title, breadcrumbs_items=crumbs, header_icon="date")
    return TemplateResponse(request, template, context)


def years_shown(today=None):
    today = today or timezone.localdate()
    return range(today.year - calendar.YEARS_BACK, today.year + calendar.YEARS_AHEAD + 1)


SOURCE_LABELS = {
    workdays.OFFICE: gettext_lazy("Entered by the office"),
    workdays.PACKAGE: gettext_lazy("Built-in calendar"),
    workdays.PROVISIONAL: gettext_lazy("Not published yet: deadlines are provisional"),
}


def index(request):
    _require(request)
    schedules = {s.year: s for s in HolidaySchedule.objects.filter(year__in=list(years_shown()))}
    rows = [
        {
            "year": year,
            "source": workdays.source_of(year),
            "label": SOURCE_LABELS[workdays.source_of(year)],
            "schedule": schedules.get(year),
        }
        for year in years_shown()
    ]
    return _render(request, "core/holidays/index.html", {"title": _("Holiday schedule"), "rows": rows})


def year_view(request, year):
    _require(request)
    if year not in years_shown():
        raise Http404
    schedule = HolidaySchedule.objects.filter(year=year).first()
    context = {"title": _("Holiday schedule %(year)d") % {"year": year}, "year": year, "schedule": schedule}
    form = NoticeForm(request.POST or None)
    entries = calendar.effective_entries(year)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["notice"]
        try:
            notice = parse_notice(text, year)
            calendar.validate_entries(year, notice.entries)
            if past := calendar.past_changes(year, notice.entries):
                raise ValidationError(
                    _("These dates are past, and deadlines already counted on them would change: %(dates)s.")
                    % {"dates": "、".join(day.isoformat() for day in past)}
                )
            if "confirm" in request.POST:
                calendar.save_schedule(notice, by=request.user, notice_text=text)
                messages.success(
                    request,
                    _("The %(year)d schedule is saved; open deadlines are being recomputed.") % {"year": year},
                )
                return redirect("core_holidays_year", year)
        except NoticeError as exc:
            form.add_error("notice", str(exc))
        except ValidationError as exc:
            form.add_error("notice", exc.messages)
        else:
            entries = notice.entries
            context.update(preview=notice)
    context.update(
        form=form,
        source_label=SOURCE_LABELS[workdays.source_of(year)],
        entries=entries,
        months=month_grid(year, entries),
        differences=calendar.differences(entries, year),
    )
    return _render(request, "core/holidays/year.html", context)


def month_grid(year, entries):
    """Twelve months of weeks (Monday first), each day with its status: off, rest (a weekend day inside a holiday
    period), workday (a weekend day worked), weekend or ''."""
    by_date = {e.date: e for e in entries}
    one = datetime.timedelta(days=1)

    def worked(day):
        entry = by_date.get(day)
        return entry.kind == "workday" if entry else day.weekday() < 5

    def in_holiday(day):
        for step in (-one, one):
            current = day + step
            while not worked(current) and abs((current - day).days) < 20:
                if current in by_date:
                    return by_date[current].name or True
                current += step
        return False

    months = []
    for month in range(1, 13):
        weeks = []
        for week in monthcal.Calendar().monthdatescalendar(year, month):
            days = []
            for day in week:
                if day.month != month:
                    days.append(None)
                    continue
                entry = by_date.get(day)
                name = entry.name if entry else ""
                if entry is not None:
                    status = entry.kind
                elif day.weekday() >= 5 and (holiday := in_holiday(day)):
                    status, name = "rest", holiday if isinstance(holiday, str) else ""
                elif day.weekday() >= 5:
                    status = "weekend"
                else:
                    status = ""
                days.append({"day": day.day, "status": status, "name": name})
            weeks.append(days)
        months.append({"name": _month_name(month), "weeks": weeks})
    return months


def _month_name(month):
    return _("Month %(m)d") % {"m": month}
