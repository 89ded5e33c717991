"""The procedure of an item as an SVG flowchart, drawn on the server (no script, readable on a phone)."""

from django.utils.html import escape
from django.utils.translation import gettext as _

WIDTH = 340
BOX_H = 44
GAP = 26
PAD = 10


def _box(x, y, w, h, title, subtitle, fill):
    return (
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="{fill}" stroke="#b71c1c" stroke-width="1.5"/>'
        f'<text x="{x + w / 2}" y="{y + 18}" text-anchor="middle" font-size="13" font-weight="600" fill="#222">'
        f"{escape(title)}</text>"
        f'<text x="{x + w / 2}" y="{y + 35}" text-anchor="middle" font-size="11" fill="#555">{escape(subtitle)}</text>'
    )


def _arrow(x, y1, y2):
    return (
        f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2 - 6}" stroke="#777" stroke-width="1.5"/>'
        f'<path d="M{x - 5},{y2 - 8} L{x},{y2} L{x + 5},{y2 - 8} Z" fill="#777"/>'
    )


def flowchart_svg(item, steps=None):
    """Acceptance at the window, each stage (side by side when parallel), then completion."""
    steps = list(item.steps.prefetch_related("departments")) if steps is None else steps
    parts = []
    y = PAD
    inner = WIDTH - 2 * PAD
    centre_x = WIDTH / 2
    days = _("%(days)d working days")
    parts.append(_box(PAD, y, inner, BOX_H, _("Application and acceptance"), _("Service centre window"), "#fff5f5"))
    y += BOX_H
    for step in steps:
        departments = list(step.departments.all())
        parts.append(_arrow(centre_x, y, y + GAP))
        y += GAP
        label = f"{step.name} · {days % {'days': step.working_days}}"
        if len(departments) <= 1:
            name = departments[0].short_name or departments[0].name if departments else ""
            parts.append(_box(PAD, y, inner, BOX_H, label, name, "#ffffff"))
            y += BOX_H
            continue
        # A parallel joint review: a frame with the stage's name, one box per department side by side.
        parallel = _("Parallel review")
        per_row = min(len(departments), 3)
        rows = (len(departments) + per_row - 1) // per_row
        frame_h = 24 + rows * (BOX_H + 8)
        parts.append(
            f'<rect x="{PAD}" y="{y}" width="{inner}" height="{frame_h}" rx="8" fill="#fffbe6" stroke="#c79100" '
            f'stroke-dasharray="5 3"/>'
            f'<text x="{centre_x}" y="{y + 16}" text-anchor="middle" font-size="12" font-weight="600" fill="#6d4c00">'
            f"{escape(parallel)} · {escape(label)}</text>"
        )
        box_w = (inner - 8 * (per_row + 1)) / per_row
        for index, department in enumerate(departments):
            row, col = divmod(index, per_row)
            bx = PAD + 8 + col * (box_w + 8)
            by = y + 24 + row * (BOX_H + 8)
            parts.append(_box(bx, by, box_w, BOX_H, department.short_name or department.name, _("co-review"), "#fff"))
        y += frame_h
    parts.append(_arrow(centre_x, y, y + GAP))
    y += GAP
    parts.append(_box(PAD, y, inner, BOX_H, _("Decision and completion"), _("Result document issued"), "#f1f8e9"))
    y += BOX_H + PAD
    title = escape(_("Procedure of %(item)s") % {"item": item.name})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {y}" width="100%" role="img" '
        f'aria-label="{title}" font-family="sans-serif"><title>{title}</title>{"".join(parts)}</svg>'
    )
