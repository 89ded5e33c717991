"""The work dashboard (工作台): each role's to-do on the Wagtail admin home, most urgent first.

Apps contribute panels from their own ``<app>/dashboard.py``, registered in their ``wagtail_hooks.py`` through
``construct_homepage_panels``; this module only knows how to order and draw a list of ``WorkItem``s. A panel loads
its rows when it is drawn, with a constant number of queries and at most ``LIMIT`` rows, and links to the full list.

Every open item carries a deadline or says why it has none (``no_deadline``). Urgency comes from the deadline and
from the supervision card the item's clock has earned (``card``), looked up through ``clock_levels``: supervision
answers the ``dashboard_clock_levels`` hook, so an app shows its cards without importing supervision.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component

LIMIT = 8
SOON = datetime.timedelta(hours=24)

# Urgency, most urgent highest: a red card or an overdue item, a yellow card, a warning or due within a day.
CALM, SOON_DUE, YELLOW, RED = 0, 1, 2, 3
CARD_URGENCY = {"red": RED, "yellow": YELLOW, "warning": SOON_DUE}
CARD_LABELS = {
    "red": pgettext_lazy("supervision card", "Red card"),
    "yellow": pgettext_lazy("supervision card", "Yellow card"),
    "warning": pgettext_lazy("supervision card", "Warning"),
}


@dataclass
class WorkItem:
    """One row of a panel: what it is, where to act on it, and when it is due (or why it has no due time)."""

    title: str
    url: str
    deadline: datetime.datetime | None = None
    no_deadline: str = ""  # why there is no deadline, when there is none
    card: str = ""  # the supervision clock's level: "warning", "yellow", "red" or ""
    note: str = ""  # a short second line: the state, the department, the item
    deadline_label: str = ""  # what the deadline is ("受理期限"); "期限" when empty

    def urgency(self, now: datetime.datetime | None = None) -> int:
        now = now or timezone.now()
        level = CARD_URGENCY.get(self.card, CALM)
        if self.deadline is not None:
            if self.deadline <= now:
                level = max(level, RED)
            elif self.deadline - now <= SOON:
                level = max(level, SOON_DUE)
        return level

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return self.deadline is not None and self.deadline <= (now or timezone.now())

    @property
    def card_label(self) -> str:
        return str(CARD_LABELS.get(self.card, ""))


def by_urgency(items: Iterable[WorkItem], now: datetime.datetime | None = None) -> list[WorkItem]:
    """Most urgent first; within one urgency, the soonest deadline first, items without one last."""
    now = now or timezone.now()
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(items, key=lambda item: (-item.urgency(now), item.deadline or far))


@dataclass
class Summary:
    """A count with a link, drawn above a panel's rows ("待审核 3")."""

    label: str
    count: int
    url: str


class WorkPanel(Component):
    """A panel of the admin home: a heading, counts, the most urgent rows and a link to the full list.

    ``load`` is called once, when the panel is drawn, and returns the rows (and optionally counts); it must run a
    constant number of queries and return at most ``LIMIT`` rows.
    """

    template_name = "core/dashboard/panel.html"

    def __init__(
        self,
        name: str,
        heading: str,
        load: Callable[[], Iterable[WorkItem] | tuple[Iterable[WorkItem], list[Summary]]],
        *,
        more_url: str = "",
        order: int = 40,
        empty: str = "",
    ):
        self.name, self.heading, self.load, self.more_url, self.order = name, heading, load, more_url, order
        self.empty = empty or _("Nothing waiting.")

    def rows(self) -> tuple[list[WorkItem], list[Summary]]:
        loaded = self.load()
        items, summaries = loaded if isinstance(loaded, tuple) else (loaded, [])
        return by_urgency(items)[:LIMIT], list(summaries)

    def get_context_data(self, parent_context=None):
        items, summaries = self.rows()
        now = timezone.now()
        return {
            "panel": self,
            "rows": [{"item": item, "urgency": item.urgency(now), "overdue": item.is_overdue(now)} for item in items],
            "summaries": summaries,
        }


@dataclass
class ClockLevel:
    level: str = ""
    due_at: datetime.datetime | None = None
    extra: dict = field(default_factory=dict)


def clock_levels(keys: Iterable[str]) -> dict[str, ClockLevel]:
    """The supervision level and due time of each open clock among ``keys`` (one query, asked of supervision)."""
    keys = [key for key in keys if key]
    found: dict[str, ClockLevel] = {}
    if not keys:
        return found
    for answer in hooks.get_hooks("dashboard_clock_levels"):
        found.update(answer(keys))
    return found
