"""Performance evaluation (绩效考评): per department or per handler, per month, quarter or year.

Figures, for the units that did work in the period:
- volume: clocks of cases and steps stopped in the period ("approvals.application:*", "approvals.step:*",
  "complaints.stage:*"), i.e. pieces of work finished;
- on-time rate: the share of those stopped at or before their due time;
- handling time against the promised limit: active time spent (pauses excluded) over the time allowed, averaged
  (100% = exactly the limit);
- warnings, yellow and red cards fired in the period;
- substantiated complaints: complaint.concluded with decision substantiated (1) or partly_substantiated (0.5),
  counted against payload concerned_department_id (departments only);
- satisfaction: the average application.rated rating (1-5) of the department's cases; for a handler, of the cases
  whose decisions they made.

The composite score (0-100) is the weighted mean of five components, each from 0 to 1, with the weights of
settings.SUPERVISION_SCORE_WEIGHTS (default on_time 35, speed 15, alerts 20, complaints 15, satisfaction 15):
- on_time = the on-time rate;
- speed = 1 - ratio / 2, bounded to 0..1 (finishing at once scores 1, using the whole limit 0.5, twice it 0);
- alerts = 1 - (0.25 x warnings + yellow + 3 x red) / volume, bounded to 0..1;
- complaints = 1 - 5 x substantiated / volume, bounded to 0..1;
- satisfaction = (rating - 1) / 4.
A component without data (no rating yet) is left out and the other weights are scaled up. A unit is ranked only with
a volume of at least settings.SUPERVISION_MIN_VOLUME; below it, it is listed without a rank. The supervising body
(the discipline commission, see supervising_department_ids) is never ranked among the units it supervises.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core import figures
from core.people import display_name
from supervision.models import Alert, Clock, ReceivedEvent, Rung

DEFAULT_WEIGHTS = {"on_time": 35, "speed": 15, "alerts": 20, "complaints": 15, "satisfaction": 15}
WORK_PREFIXES = ("approvals.application:", "approvals.step:", "complaints.stage:")
DECISION_KINDS = ("step.approved", "step.refused", "application.approved", "application.refused")
PERIOD_KINDS = {"month": gettext_lazy("Month"), "quarter": gettext_lazy("Quarter"), "year": gettext_lazy("Year")}
COMPONENT_NAMES = {
    "on_time": gettext_lazy("On-time rate"),
    "speed": gettext_lazy("Handling time against the limit"),
    "alerts": gettext_lazy("Warnings and cards"),
    "complaints": gettext_lazy("Substantiated complaints"),
    "satisfaction": gettext_lazy("Applicant satisfaction"),
}
UNITS = {"department": gettext_lazy("Department"), "handler": gettext_lazy("Handler")}


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    year: int
    index: int = 1  # month 1-12 or quarter 1-4

    @property
    def start(self):
        month = {"month": self.index, "quarter": 3 * (self.index - 1) + 1, "year": 1}[self.kind]
        return timezone.make_aware(datetime.datetime(self.year, month, 1))

    @property
    def end(self):
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        start = self.start
        month0 = start.month - 1 + months
        return timezone.make_aware(datetime.datetime(start.year + month0 // 12, month0 % 12 + 1, 1))

    def __str__(self):
        if self.kind == "year":
            return _("%(y)d") % {"y": self.year}
        if self.kind == "quarter":
            return _("%(y)d Q%(q)d") % {"y": self.year, "q": self.index}
        return _("%(y)d-%(m)02d") % {"y": self.year, "m": self.index}

    @classmethod
    def parse(cls, kind, year, index):
        kind = kind if kind in PERIOD_KINDS else "month"
        today = timezone.localdate()
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = today.year
        try:
            index = int(index)
        except (TypeError, ValueError):
            index = today.month if kind == "month" else (today.month - 1) // 3 + 1
        top = {"month": 12, "quarter": 4, "year": 1}[kind]
        return cls(kind, min(max(year, 2000), 2100), min(max(index, 1), top))


@dataclass
class Row:
    unit_id: int
    name: str
    volume: int = 0
    on_time: int = 0
    ratio_sum: float = 0.0
    ratio_n: int = 0
    warnings: int = 0
    yellow: int = 0
    red: int = 0
    substantiated: float = 0.0
    ratings: list = field(default_factory=list)
    score: float | None = None
    rank: int | None = None
    supervising: bool = False  # the supervising body itself: never ranked among those it supervises

    @property
    def on_time_rate(self):
        return self.on_time / self.volume if self.volume else None

    @property
    def avg_ratio(self):
        return self.ratio_sum / self.ratio_n if self.ratio_n else None

    @property
    def satisfaction(self):
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    def components(self):
        clamp = lambda x: max(0.0, min(1.0, x))  # noqa: E731
        volume = max(self.volume, 1)
        parts = {
            "on_time": self.on_time_rate,
            "speed": clamp(1 - self.avg_ratio / 2) if self.avg_ratio is not None else None,
            "alerts": clamp(1 - (0.25 * self.warnings + self.yellow + 3 * self.red) / volume),
            "complaints": clamp(1 - 5 * self.substantiated / volume),
            "satisfaction": (self.satisfaction - 1) / 4 if self.satisfaction is not None else None,
        }
        return parts


def weights():
    return getattr(settings, "SUPERVISION_SCORE_WEIGHTS", DEFAULT_WEIGHTS)


def minimum_volume():
    return figures.minimum_volume()


def supervising_department_ids() -> set[int]:
    """The supervising body's departments, left out of rankings: those named in SUPERVISION_UNRANKED_DEPARTMENTS
    (department codes), or else the departments where the supervisor role's cadres work."""
    from directory.models import Cadre, Department
    from directory.roles import ROLES_BY_CODE

    codes = getattr(settings, "SUPERVISION_UNRANKED_DEPARTMENTS", None)
    if codes:
        return set(Department.objects.filter(code__in=codes).values_list("pk", flat=True))
    supervisors = Cadre.objects.filter(user__is_active=True, user__groups__name=ROLES_BY_CODE["supervisor"].name)
    return set(supervisors.values_list("department_id", flat=True))


def _mark_supervising(rows, unit):
    departments = supervising_department_ids()
    if not departments:
        return
    if unit == "department":
        supervising = departments & set(rows)
    else:
        from directory.models import Cadre

        supervising = set(
            Cadre.objects.filter(user_id__in=rows, department_id__in=departments).values_list("user_id", flat=True)
        )
    for unit_id in supervising:
        rows[unit_id].supervising = True


def left_out(rows) -> dict:
    """The units a ranking leaves out, by reason: the supervising body, and those under the minimum volume."""
    return {
        "supervising": [r.name for r in rows if r.supervising],
        "small": [r.name for r in rows if r.rank is None and not r.supervising],
    }


def score(row):
    total = weight_sum = 0.0
    for name, value in row.components().items():
        weight = weights().get(name, 0)
        if value is not None and weight:
            total += weight * value
            weight_sum += weight
    return round(100 * total / weight_sum, 1) if weight_sum else None


def _work_clocks():
    q = Q()
    for prefix in WORK_PREFIXES:
        q |= Q(key__startswith=prefix)
    return Clock.objects.filter(q)


def evaluate(period, unit="department"):
    """Rows for every unit with activity in the period, ranked by score (unranked rows last)."""
    field_name = "department_id" if unit == "department" else "handler_id"
    rows = {}

    def row(unit_id):
        if unit_id not in rows:
            rows[unit_id] = Row(unit_id=unit_id, name="")
        return rows[unit_id]

    clocks = (
        _work_clocks()
        .filter(
            state=Clock.State.STOPPED,
            stopped_at__gte=period.start,
            stopped_at__lt=period.end,
            **{f"{field_name}__isnull": False},
        )
        .only("pk", field_name, "due_at", "stopped_at", "started_at", "allowed", "paused_total", "state")
    )
    for clock in clocks.iterator(chunk_size=5000):
        r = row(getattr(clock, field_name))
        r.volume += 1
        r.on_time += 1 if clock.on_time else 0
        ratio = clock.used_ratio
        if ratio is not None:
            r.ratio_sum += ratio
            r.ratio_n += 1
    alerts = (
        Alert.objects.filter(fired_at__gte=period.start, fired_at__lt=period.end, **{f"{field_name}__isnull": False})
        .values(field_name, "rung")
        .annotate(n=Count("id"))
        .order_by()
    )
    for a in alerts:
        r = row(a[field_name])
        setattr(r, {Rung.WARNING: "warnings", Rung.YELLOW: "yellow", Rung.RED: "red"}[a["rung"]], a["n"])
    events = ReceivedEvent.objects.filter(occurred_at__gte=period.start, occurred_at__lt=period.end)
    if unit == "department":
        for e in events.filter(kind="complaint.concluded").values("payload"):
            decision = e["payload"].get("decision")
            department = e["payload"].get("concerned_department_id")
            weight = {"substantiated": 1.0, "partly_substantiated": 0.5}.get(decision, 0)
            if department and weight:
                row(int(department)).substantiated += weight
        for e in events.filter(kind="application.rated", department__isnull=False).values("department_id", "payload"):
            rating = _rating(e["payload"])
            if rating:
                row(e["department_id"]).ratings.append(rating)
    else:
        ratings = {
            e["subject"]: _rating(e["payload"])
            for e in events.filter(kind="application.rated").values("subject", "payload")
        }
        deciders = (
            ReceivedEvent.objects.filter(subject__in=[s for s, v in ratings.items() if v], kind__in=DECISION_KINDS)
            .exclude(actor__isnull=True)
            .values_list("subject", "actor_id")
            .distinct()
        )
        for subject, actor in deciders:
            row(actor).ratings.append(ratings[subject])
    _name_rows(rows, unit)
    _mark_supervising(rows, unit)
    minimum = minimum_volume()
    for r in rows.values():
        r.score = score(r)
    rankable = (r for r in rows.values() if r.volume >= minimum and r.score is not None and not r.supervising)
    ranked = sorted(rankable, key=lambda r: -r.score)
    for position, r in enumerate(ranked, 1):
        r.rank = position
    unranked = sorted((r for r in rows.values() if r.rank is None), key=lambda r: r.name)
    return ranked + unranked


def _rating(payload):
    try:
        value = int(payload.get("rating"))
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= 5 else None


def _name_rows(rows, unit):
    if unit == "department":
        from directory.models import Department

        names = dict(Department.objects.filter(pk__in=rows).values_list("pk", "name"))
    else:
        from django.contrib.auth import get_user_model

        names = {}
        for user in get_user_model().objects.filter(pk__in=rows).select_related("cadre"):
            names[user.pk] = display_name(user, getattr(user, "cadre", None))
    for unit_id, r in rows.items():
        r.name = names.get(unit_id) or _("#%(id)s (deleted)") % {"id": unit_id}


def trend(year, department_id=None):
    """Per month of the year: finished pieces of work and the on-time rate (for the trend chart)."""
    clocks = _work_clocks().filter(
        state=Clock.State.STOPPED,
        stopped_at__gte=Period("year", year).start,
        stopped_at__lt=Period("year", year).end,
    )
    if department_id:
        clocks = clocks.filter(department_id=department_id)
    from django.db.models import F

    rows = (
        clocks.annotate(month=TruncMonth("stopped_at"))
        .values("month")
        .annotate(total=Count("id"), on_time=Count("id", filter=Q(stopped_at__lte=F("due_at"))))
        .order_by("month")
    )
    by_month = {
        timezone.localtime(r["month"]).month if timezone.is_aware(r["month"]) else r["month"].month: r for r in rows
    }
    return [
        {
            "month": m,
            "total": by_month.get(m, {}).get("total", 0),
            "rate": (by_month[m]["on_time"] / by_month[m]["total"]) if m in by_month and by_month[m]["total"] else None,
        }
        for m in range(1, 13)
    ]


# --- Charts (server-side SVG, in user units) ---------------------------------------------------------------------

CHART_WIDTH = 640
BAR_ROW = 26
LABEL_WIDTH = 170


def ranking_chart(rows, limit=20):
    ranked = [r for r in rows if r.rank is not None][:limit]
    bar = CHART_WIDTH - LABEL_WIDTH - 60
    return {
        "height": max(BAR_ROW, len(ranked) * BAR_ROW),
        "label_width": LABEL_WIDTH,
        "bars": [
            {
                "name": r.name,
                "score": r.score,
                "y": i * BAR_ROW,
                "w": round(bar * (r.score or 0) / 100, 1),
                "text_x": LABEL_WIDTH + round(bar * (r.score or 0) / 100, 1) + 6,
            }
            for i, r in enumerate(ranked)
        ],
    }


def trend_chart(points, height=180):
    """A polyline of the monthly on-time rate and bars of the monthly volume."""
    left, right, top, bottom = 40, CHART_WIDTH - 10, 10, height - 24
    step = (right - left) / 12
    peak = max([p["total"] for p in points] + [1])
    bars, line, labels, dots = [], [], [], []
    for i, p in enumerate(points):
        x = left + i * step
        h = (bottom - top) * p["total"] / peak
        bars.append(
            {
                "x": round(x + step * 0.2, 1),
                "y": round(bottom - h, 1),
                "w": round(step * 0.6, 1),
                "h": round(h, 1),
                "total": p["total"],
            }
        )
        if p["rate"] is not None:
            cx, cy = round(x + step / 2, 1), round(bottom - (bottom - top) * p["rate"], 1)
            line.append(f"{cx},{cy}")
            dots.append({"x": cx, "y": cy, "rate": round(100 * p["rate"], 1)})
        labels.append({"x": round(x + step / 2, 1), "text": str(p["month"])})
    return {
        "height": height,
        "bars": bars,
        "line": " ".join(line),
        "labels": labels,
        "bottom": bottom,
        "top": top,
        "left": left,
        "right": right,
    }


# --- Export ------------------------------------------------------------------------------------------------------


def table(rows):
    header = [
        _("Place"),
        _("Department or handler"),
        _("Volume"),
        _("On-time rate"),
        _("Time used of the limit"),
        pgettext("supervision", "Warnings"),
        _("Yellow cards"),
        _("Red cards"),
        _("Substantiated complaints"),
        _("Satisfaction"),
        _("Score"),
    ]
    body = []
    for r in rows:
        body.append(
            [
                r.rank or "—",
                r.name,
                r.volume,
                _pct(r.on_time_rate),
                _pct(r.avg_ratio),
                r.warnings,
                r.yellow,
                r.red,
                r.substantiated,
                f"{r.satisfaction:.2f}" if r.satisfaction is not None else "—",
                r.score if r.score is not None else "—",
            ]
        )
    return header, body


def _pct(value):
    return f"{value * 100:.1f}%" if value is not None else "—"


def to_csv(rows):
    header, body = table(rows)
    out = io.StringIO()
    out.write("\ufeff")  # so that Excel opens UTF-8 Chinese correctly
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode()


def to_xlsx(rows, title):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, body = table(rows)
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Ranking"))[:31]
    sheet.append([str(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([str(h) for h in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in body:
        sheet.append([str(v) if not isinstance(v, int | float) else v for v in line])
    sheet.column_dimensions["B"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
