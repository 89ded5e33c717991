"""Charts of the public performance report, drawn on the server as inline SVG: no script, readable by a screen
reader (``role="img"`` with a title and a description; the page gives the same numbers as a table), and printed
as they are. Every text goes through ``escape``."""

from django.utils.html import escape
from django.utils.translation import gettext as _

WIDTH = 360  # user units; the SVG scales to the phone's width


def _pct(value):
    return f"{value * 100:.0f}%" if value is not None else "—"


def trend_svg(unit, months, chart_id="trend"):
    """Bars of applications handled per month and a line of the on-time rate (months under the minimum: no dot)."""
    series = unit.series(months)
    height, left, right, top, bottom = 190, 30, WIDTH - 30, 14, 160
    step = (right - left) / max(len(series), 1)
    peak = max([f.handled for f in series] + [1])
    title = _("%(unit)s: applications handled and on-time rate, by month") % {"unit": unit.name}
    described = "；".join(
        f"{f.month:%Y-%m} {f.handled}" + (f" {_pct(f.on_time_rate)}" if f.on_time_rate is not None else "")
        for f in series
    )
    parts = [
        f'<svg class="pf-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(described)}</desc>',
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="pf-axis"/>',
        f'<text x="{left - 4}" y="{top + 4}" class="pf-tick" text-anchor="end">{peak}</text>',
        f'<text x="{right + 4}" y="{top + 4}" class="pf-tick">100%</text>',
        f'<text x="{right + 4}" y="{bottom}" class="pf-tick">0%</text>',
    ]
    points = []
    for i, f in enumerate(series):
        x = left + i * step
        h = (bottom - top) * f.handled / peak
        parts.append(
            f'<rect x="{x + step * 0.18:.1f}" y="{bottom - h:.1f}" width="{step * 0.64:.1f}" height="{h:.1f}" '
            f'class="pf-bar"><title>{escape(f"{f.month:%Y-%m}")} {f.handled}</title></rect>'
        )
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{bottom + 14}" class="pf-tick" '
            f'text-anchor="middle">{f.month.month}</text>'
        )
        if f.on_time_rate is not None:
            points.append((x + step / 2, bottom - (bottom - top) * f.on_time_rate, f))
    if len(points) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _f in points)
        parts.append(f'<polyline points="{line}" class="pf-line"/>')
    for x, y, f in points:
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="pf-dot"><title>{escape(f"{f.month:%Y-%m}")} '
            f"{_pct(f.on_time_rate)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def on_time_svg(units, month, chart_id="ontime"):
    """One bar per department with a rate this month (those under the minimum volume are left out of the chart)."""
    rated = [(u, u.at(month)) for u in units if u.at(month).on_time_rate is not None]
    if not rated:
        return ""  # the page says that no department reached the minimum
    row, label = 22, 130
    height = max(row, len(rated) * row) + 4
    bar = WIDTH - label - 40
    title = _("On-time rate by department, %(month)s") % {"month": f"{month:%Y-%m}"}
    described = "；".join(f"{u.name} {_pct(f.on_time_rate)}" for u, f in rated) or _(
        "No department reached the minimum."
    )
    parts = [
        f'<svg class="pf-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(described)}</desc>',
    ]
    for i, (unit, f) in enumerate(rated):
        y = i * row + 2
        w = bar * f.on_time_rate
        name = unit.name if len(unit.name) <= 9 else unit.name[:8] + "…"
        parts.append(f'<text x="{label - 6}" y="{y + 14}" class="pf-label" text-anchor="end">{escape(name)}</text>')
        parts.append(f'<rect x="{label}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" class="pf-bar"/>')
        parts.append(f'<text x="{label + w + 4:.1f}" y="{y + 14}" class="pf-label">{_pct(f.on_time_rate)}</text>')
    parts.append("</svg>")
    return "".join(parts)
