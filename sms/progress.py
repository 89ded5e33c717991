"""Read-only figures of campaign runs for the admin: live counts, rate and ETA, reach per department, the CSV log.

Every figure comes from aggregate queries grouped by run (and department), so the number of queries a page
makes depends on neither the number of deliveries nor the number of departments nor the number of runs shown.
"""

import csv
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sms.models import CampaignRun, Delivery, DeliveryStatus

# The order in which counts are shown, and the colours of the progress bar.
STATUS_ORDER = [
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENDING,
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.FAILED,
    DeliveryStatus.UNDELIVERED,
    DeliveryStatus.SKIPPED,
]
PENDING = {DeliveryStatus.QUEUED, DeliveryStatus.SENDING}
# A run page shows the latest runs only: a recurring campaign accumulates one run per occurrence.
RUNS_SHOWN = 10


@dataclass
class DepartmentReach:
    department_id: int
    name: str
    total: int
    delivered: int
    clicked: int

    @property
    def delivered_pct(self):
        return round(100 * self.delivered / self.total, 1) if self.total else 0.0

    @property
    def clicked_pct(self):
        return round(100 * self.clicked / self.total, 1) if self.total else 0.0


@dataclass
class RunProgress:
    run: CampaignRun
    counts: dict = field(default_factory=dict)
    clicked: int = 0
    first_sent_at: object = None
    last_sent_at: object = None
    departments: list = field(default_factory=list)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def pending(self):
        return sum(self.counts.get(status, 0) for status in PENDING)

    @property
    def processed(self):
        """Deliveries the sender has dealt with (handed over, answered or skipped)."""
        return self.total - self.pending

    @property
    def percent_done(self):
        return round(100 * self.processed / self.total, 1) if self.total else 0.0

    @property
    def percent_text(self):
        return f"{self.percent_done}%"

    @property
    def segments(self):
        """The progress bar: one segment per status with its share of the width."""
        total = self.total or 1
        return [
            {"status": status, "label": status.label, "count": self.counts.get(status, 0), "pct": 100 * n / total}
            for status in STATUS_ORDER
            if (n := self.counts.get(status, 0))
        ]

    @property
    def rate(self):
        """Messages per second achieved so far, from the first send to the latest (None before two sends)."""
        handed_over = self.total - self.pending - self.counts.get(DeliveryStatus.SKIPPED, 0)
        if handed_over < 2 or not self.first_sent_at or not self.last_sent_at:
            return None
        seconds = (self.last_sent_at - self.first_sent_at).total_seconds()
        return handed_over / seconds if seconds > 0 else None

    @property
    def eta(self):
        """When the remaining deliveries should be done at the achieved rate (None when unknown or finished)."""
        if not self.pending or not self.rate:
            return None
        return timezone.now() + timedelta(seconds=self.pending / self.rate)

    @property
    def tiles(self):
        """The live counts, every status in order (zeros too, so the grid does not jump), then clicks."""
        return [
            {"key": status.value, "label": status.label, "count": self.counts.get(status, 0)} for status in STATUS_ORDER
        ] + [{"key": "clicked", "label": _("Clicked"), "count": self.clicked}]

    @property
    def reach_chart(self):
        """Rows of the SVG bar chart, in user units of a CHART_WIDTH-wide drawing."""
        return [
            {
                "name": d.name,
                "delivered": d.delivered_pct,
                "clicked": d.clicked_pct,
                "delivered_w": round(CHART_BAR * d.delivered_pct / 100, 1),
                "clicked_w": round(CHART_BAR * d.clicked_pct / 100, 1),
                "y": i * CHART_ROW,
            }
            for i, d in enumerate(self.departments)
        ]

    @property
    def chart_height(self):
        return len(self.departments) * CHART_ROW


CHART_ROW = 52  # SVG user units per department row: a label line and two bars
CHART_WIDTH = 400
CHART_BAR = 330  # the width of a 100% bar; the rest holds the percentage


def _status_counts(run_ids):
    """{run_id: {status: n}, clicks and send times}, one query for all runs."""
    rows = (
        Delivery.objects.filter(run_id__in=run_ids)
        .values("run_id", "status")
        .annotate(
            n=Count("id"),
            clicked=Count("id", filter=Q(first_clicked_at__isnull=False)),
            first_sent=Min("sent_at"),
            last_sent=Max("sent_at"),
        )
        .order_by()
    )
    return list(rows)


def _department_reach(run_ids):
    rows = (
        Delivery.objects.filter(run_id__in=run_ids)
        .values("run_id", "cadre__department_id", "cadre__department__name", "cadre__department__path")
        .annotate(
            total=Count("id"),
            delivered=Count("id", filter=Q(status=DeliveryStatus.DELIVERED)),
            clicked=Count("id", filter=Q(first_clicked_at__isnull=False)),
        )
        .order_by("run_id", "cadre__department__path")
    )
    return list(rows)


def campaign_progress(campaign, limit=RUNS_SHOWN):
    """The latest runs of a campaign with their counts and reach per department, in three queries."""
    runs = list(campaign.runs.all()[:limit])
    progress = {run.pk: RunProgress(run=run) for run in runs}
    if not runs:
        return []
    for row in _status_counts(list(progress)):
        item = progress[row["run_id"]]
        item.counts[DeliveryStatus(row["status"])] = row["n"]
        item.clicked += row["clicked"]
        if row["first_sent"] and (item.first_sent_at is None or row["first_sent"] < item.first_sent_at):
            item.first_sent_at = row["first_sent"]
        if row["last_sent"] and (item.last_sent_at is None or row["last_sent"] > item.last_sent_at):
            item.last_sent_at = row["last_sent"]
    for row in _department_reach(list(progress)):
        progress[row["run_id"]].departments.append(
            DepartmentReach(
                department_id=row["cadre__department_id"],
                name=row["cadre__department__name"],
                total=row["total"],
                delivered=row["delivered"],
                clicked=row["clicked"],
            )
        )
    return [progress[run.pk] for run in runs]


# The delivery log as CSV ---------------------------------------------------------------------------------------

CSV_BOM = "\ufeff"  # Excel reads a UTF-8 file as the local ANSI code page unless it starts with a BOM
CSV_FIELDS = (
    "cadre__name",
    "phone",
    "cadre__department__name",
    "status",
    "provider_id",
    "error_code",
    "error_message",
    "attempts",
    "queued_at",
    "sent_at",
    "delivered_at",
    "first_clicked_at",
)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def _cell(value):
    # A cell starting with = + - @ is a formula to Excel: names and provider errors are not ours to trust.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not value[1:].isdigit():
        return f"'{value}"
    return value


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def delivery_log_rows(run, header):
    """Lines of CSV text: the header, then one line per delivery, read with .iterator() in chunks."""
    writer = csv.writer(_Echo())
    labels = dict(DeliveryStatus.choices)
    yield CSV_BOM + writer.writerow(header)
    rows = (
        Delivery.objects.filter(run=run)
        .order_by("cadre__department__path", "cadre__name", "pk")
        .values_list(*CSV_FIELDS)
        .iterator(chunk_size=2000)
    )
    for name, phone, department, status, provider_id, code, message, attempts, *times in rows:
        error = f"{code} {message}".strip()
        yield writer.writerow(
            [
                _cell(name),
                str(phone),
                _cell(department),
                labels.get(status, status),
                provider_id or "",
                _cell(error),
                attempts,
                *(_when(t) for t in times),
            ]
        )
