"""The supervisor's work dashboard (core.dashboard): red and yellow cards, new findings, clocks due today.

Also answers core.dashboard's ``dashboard_clock_levels`` hook, so the platforms can show the card a case has earned
next to their own deadlines without importing supervision.
"""

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.dashboard import LIMIT, ClockLevel, Summary, WorkItem, WorkPanel
from supervision.models import Clock, Finding

VIEW = "supervision.view_clock"
OPEN = ~Q(state=Clock.State.STOPPED)


def timeline_url(subject: str) -> str:
    return reverse("supervision_timeline") + "?" + urlencode({"subject": subject})


def clock_levels(keys: list[str]) -> dict[str, ClockLevel]:
    """The level and due time of the open clocks among keys: one query."""
    rows = Clock.objects.filter(OPEN, key__in=keys).values_list("key", "level", "due_at")
    return {key: ClockLevel(level=level, due_at=due_at) for key, level, due_at in rows}


def _clock_item(clock: Clock) -> WorkItem:
    note = " · ".join(str(part) for part in (clock.department, clock.get_state_display()) if part)
    return WorkItem(
        title=clock.label or clock.subject,
        url=timeline_url(clock.subject),
        deadline=clock.due_at,
        no_deadline=_("The clock has no due time yet."),
        card=clock.level,
        note=note,
    )


def cards() -> tuple[list[WorkItem], list[Summary]]:
    """Open clocks with a red or yellow card, red first: two queries."""
    carded = Clock.objects.filter(OPEN, level__in=[Clock.Level.RED, Clock.Level.YELLOW])
    counts = carded.aggregate(
        red=Count("pk", filter=Q(level=Clock.Level.RED)), yellow=Count("pk", filter=Q(level=Clock.Level.YELLOW))
    )
    rank = Case(When(level=Clock.Level.RED, then=Value(0)), default=Value(1), output_field=IntegerField())
    rows = carded.select_related("department").order_by(rank, "due_at", "pk")[:LIMIT]
    index = reverse("supervision_clock:index")
    summaries = [
        Summary(_("Red cards"), counts["red"], f"{index}?level=red&state=running&state=paused"),
        Summary(_("Yellow cards"), counts["yellow"], f"{index}?level=yellow&state=running&state=paused"),
    ]
    return [_clock_item(clock) for clock in rows], summaries


def new_findings() -> list[WorkItem]:
    """The newest open findings: one query."""
    rows = Finding.objects.filter(status=Finding.Status.OPEN).select_related("department").order_by("-created_at")
    return [
        WorkItem(
            title=finding.message,
            url=timeline_url(finding.subject) if finding.subject else reverse("supervision_finding:index"),
            no_deadline=_("Found %(date)s; judge it: open a case or dismiss it.")
            % {"date": timezone.localtime(finding.created_at).strftime("%Y-%m-%d")},
            note=" · ".join(str(part) for part in (finding.title, finding.department) if part),
        )
        for finding in rows[:LIMIT]
    ]


def due_today() -> list[WorkItem]:
    """Running clocks that fall due between now and the end of today: one query."""
    now = timezone.now()
    end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    rows = (
        Clock.objects.filter(state=Clock.State.RUNNING, due_at__gte=now, due_at__lte=end)
        .select_related("department")
        .order_by("due_at", "pk")[:LIMIT]
    )
    return [_clock_item(clock) for clock in rows]


def panels_for(user) -> list[WorkPanel]:
    if not user.has_perm(VIEW):
        return []
    findings = reverse("supervision_finding:index") + "?status=open"
    return [
        WorkPanel(
            "supervision-cards",
            _("Red and yellow cards"),
            cards,
            more_url=reverse("supervision_clock:index") + "?state=running&state=paused",
            order=20,
        ),
        WorkPanel("supervision-findings", _("New findings"), new_findings, more_url=findings, order=21),
        WorkPanel(
            "supervision-due-today",
            _("Clocks due today"),
            due_today,
            more_url=reverse("supervision_due_today"),
            order=22,
            empty=_("Nothing is due today."),
        ),
    ]
