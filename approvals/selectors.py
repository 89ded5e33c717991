"""Read-only queries of the public approval catalogue, for the API and the app."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from approvals.models import Application, ApprovalItem, ItemStep, Material
from approvals.services.timing import promised_deadline
from core.workdays import PublicHoliday, public_holidays
from directory.models import Department, DepartmentKind


def published_items() -> QuerySet:
    return ApprovalItem.objects.filter(is_published=True).select_related("department")


def catalogue(search: str | None = None, department_id=None, theme: str | None = None) -> QuerySet:
    """Published items by department and code; `search` (its first 50 characters) matches name, code or summary."""
    items = published_items().order_by("department__path", "code")
    if search and search.strip():
        q = search.strip()[:50]
        items = items.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(summary__icontains=q))
    if department_id:
        items = items.filter(department_id=department_id)
    if theme:
        items = items.filter(theme=theme)
    return items


def published_item(code: str) -> ApprovalItem | None:
    return published_items().filter(code=code).first()


def materials_by_item(item_ids: Iterable[int]) -> dict[int, list[Material]]:
    grouped = defaultdict(list)
    for material in Material.objects.filter(item_id__in=list(item_ids)):
        grouped[material.item_id].append(material)
    return grouped


def steps_by_item(item_ids: Iterable[int]) -> dict[int, list[ItemStep]]:
    """Each item's steps in order, with their departments: two queries for any number of items."""
    grouped = defaultdict(list)
    for step in ItemStep.objects.filter(item_id__in=list(item_ids)).prefetch_related("departments"):
        grouped[step.item_id].append(step)
    return grouped


def catalogue_departments() -> QuerySet:
    """The departments responsible for at least one published item, in tree order, each with its `item_count`.

    One query: the app's department filter offers only choices that find something.
    """
    return (
        Department.objects.filter(approval_items__is_published=True)
        .annotate(item_count=Count("approval_items", filter=Q(approval_items__is_published=True)))
        .order_by("path")
    )


@dataclass
class Place:
    """One service centre a citizen may go to: its name (the township's, in a county group) and how to reach it."""

    name: str
    address: str = ""
    phone: str = ""
    phone_uri: str = ""
    opening_hours: str = ""

    @classmethod
    def of(cls, centre: Department, name: str | None = None) -> "Place":
        return cls(
            name=name or centre.name,
            address=centre.address,
            phone=centre.phone,
            phone_uri=centre.phone_uri,
            opening_hours=centre.opening_hours,
        )

    @property
    def has_details(self) -> bool:
        return bool(self.address or self.phone or self.opening_hours)


@dataclass
class PlaceGroup:
    """The township service centres of one county or district, named by their townships."""

    name: str
    places: list[Place] = field(default_factory=list)


@dataclass
class HandlingPlaces:
    """Where an item is handled: the city centre(s), then the delegated township centres grouped by county."""

    city: list[Place]
    groups: list[PlaceGroup]
    next_holiday: PublicHoliday | None = None

    @property
    def township_count(self) -> int:
        return sum(len(group.places) for group in self.groups)


def handling_places(item: ApprovalItem, today: datetime.date | None = None) -> HandlingPlaces:
    """Two queries whatever the number of centres: a list of 31 names reads as one paragraph, this groups them.

    Each place carries its address, phone and opening hours; ``next_holiday`` is the coming public holiday period
    (from the office calendar, cached per process) on which the centres are closed.
    """
    city = []
    if item.at_city_centre:
        city = [
            Place.of(centre)
            for centre in Department.objects.filter(
                kind=DepartmentKind.SERVICE_CENTRE, parent__kind=DepartmentKind.CITY
            ).order_by("path")
        ]
    groups: dict[int | None, PlaceGroup] = {}
    for centre in item.township_centres.select_related("parent__parent").order_by("path"):
        township = centre.parent
        if township is not None and township.kind == DepartmentKind.TOWNSHIP:
            county, label = township.parent, township.name
        else:
            county, label = township, centre.short_name or centre.name
        key = county.pk if county is not None else None
        group = groups.setdefault(key, PlaceGroup(name=county.name if county is not None else ""))
        group.places.append(Place.of(centre, label))
    return HandlingPlaces(city=city, groups=list(groups.values()), next_holiday=next_public_holiday(today))


def next_public_holiday(today: datetime.date | None = None) -> PublicHoliday | None:
    """The public holiday period that is running or comes next (this year's or next year's)."""
    today = today or timezone.localdate()
    for year in (today.year, today.year + 1):
        for period in public_holidays(year):
            if period.last_day >= today:
                return period
    return None


@dataclass(frozen=True)
class OwnApplication:
    """One line of a citizen's 我的办件: enough to recognise the case and open its tracking page."""

    tracking_number: str
    item_name: str
    service_centre: str
    state: str
    status: str
    submitted_at: datetime.datetime
    due_at: datetime.datetime | None
    paused: bool
    finished: bool


FINISHED_STATES = ("not_accepted", "refused", "completed", "withdrawn")


def applications_for_phone(phone: str) -> list[OwnApplication]:
    """Every application made with this phone (E.164), newest first, in one query whatever their number."""
    rows = (
        Application.objects.filter(applicant_phone=phone)
        .select_related("item", "service_centre")
        .order_by("-submitted_at", "-pk")
    )
    return [
        OwnApplication(
            tracking_number=app.tracking_number,
            item_name=app.item.name,
            service_centre=app.service_centre.name,
            state=app.state,
            status=app.get_state_display(),
            submitted_at=app.submitted_at,
            due_at=None if app.state in FINISHED_STATES else promised_deadline(app),
            paused=app.is_paused,
            finished=app.state in FINISHED_STATES,
        )
        for app in rows
    ]


def owns_application(phone: str | None, tracking_number: str) -> int | None:
    """The pk of the application with this number made with this phone, or None."""
    if not phone:
        return None
    return (
        Application.objects.filter(tracking_number=tracking_number, applicant_phone=phone)
        .values_list("pk", flat=True)
        .first()
    )
