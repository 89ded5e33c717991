"""The office's holiday schedule: entering a year (from the notice or by dates) and what follows a change.

``save_schedule`` is the one way a year is written (admin screen, ``manage.py holiday_schedule import``): it
checks every date, refuses changes to dates already past (closed cases never change), writes the year in one
transaction with its audit event, and queues ``core.tasks.recompute_deadlines``, which moves every open deadline
that depends on the year. Each platform registers its own recomputer here (``register_recomputer`` in its
AppConfig.ready), so core knows none of them.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workdays
from core.enqueue import enqueue_on_commit
from core.error_codes import CommonErrorCode
from core.holiday_notice import OFF, WORKDAY, Entry, ParsedNotice
from core.models import CalendarEvent, CalendarRecompute, HolidayDate, HolidaySchedule

logger = logging.getLogger(__name__)

# The event of a chunk of deadlines a recomputation moved (one per chunk and platform, listing each move).
MOVED_KIND = "calendar.deadlines_moved"

# How far from the current year a schedule may be entered.
YEARS_BACK, YEARS_AHEAD = 1, 1


@dataclass(frozen=True)
class Difference:
    date: datetime.date
    office: str  # OFF, WORKDAY or "" (an ordinary day)
    package: str
    name: str


# A recomputer moves one platform's open deadlines (given a Recompute) and returns how many moved.
Recomputer = Callable[["Recompute"], int]
_recomputers: dict[str, Recomputer] = {}


def register_recomputer(name: str, func: Recomputer) -> None:
    _recomputers[name] = func


def recomputers() -> dict[str, Recomputer]:
    return dict(_recomputers)


def package_entries(year: int) -> list[Entry] | None:
    """What the `holidays` package says for a year, as entries; None when it carries no schedule for it."""
    if year not in workdays.package_years():
        return None
    calendar = workdays._calendar()
    found, day = [], datetime.date(year, 1, 1)
    while day.year == year:
        worked = calendar.is_working_day(day)
        if day.weekday() < 5 and not worked:
            found.append(Entry(day, OFF, calendar.get(day) or ""))
        elif day.weekday() >= 5 and worked:
            found.append(Entry(day, WORKDAY, calendar.get(day) or ""))
        day += datetime.timedelta(days=1)
    return found


def office_entries(year: int) -> list[Entry]:
    return [
        Entry(row.date, row.kind, row.name) for row in HolidayDate.objects.filter(schedule__year=year).order_by("date")
    ]


def effective_entries(year: int) -> list[Entry]:
    """The dates of a year that differ from an ordinary week, by the precedence core.workdays applies."""
    if year in workdays.office_years():
        return office_entries(year)
    found = package_entries(year)
    if found is not None:
        return found
    found, day = [], datetime.date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5 and not workdays.is_working_day(day):
            found.append(Entry(day, OFF, workdays.day_name(day)))
        day += datetime.timedelta(days=1)
    return found


def differences(entries: Iterable[Entry], year: int) -> list[Difference] | None:
    """Where `entries` differ from the package's schedule of the year; None when the package does not know it."""
    package = package_entries(year)
    if package is None:
        return None
    mine = {e.date: e for e in entries}
    theirs = {e.date: e for e in package}
    return [
        Difference(
            day,
            mine[day].kind if day in mine else "",
            theirs[day].kind if day in theirs else "",
            (mine.get(day) or theirs.get(day)).name,
        )
        for day in sorted(set(mine) | set(theirs))
        if (mine[day].kind if day in mine else "") != (theirs[day].kind if day in theirs else "")
    ]


def validate_entries(year: int, entries: list[Entry], *, today: datetime.date | None = None) -> None:
    """Every reason a year's entries may not be saved, at once, as one ValidationError."""
    today = today or timezone.localdate()
    problems = []
    if not today.year - YEARS_BACK <= year <= today.year + YEARS_AHEAD:
        problems.append(
            ValidationError(
                _("%(year)d is too far from now: a schedule may be entered for %(first)d to %(last)d.")
                % {"year": year, "first": today.year - YEARS_BACK, "last": today.year + YEARS_AHEAD},
                code=CommonErrorCode.INVALID,
            )
        )
    seen = set()
    for entry in entries:
        if entry.date in seen:
            problems.append(ValidationError(_("%(date)s is given twice.") % {"date": entry.date}, code="invalid"))
        seen.add(entry.date)
        if entry.kind == WORKDAY and entry.date.weekday() < 5:
            problems.append(
                ValidationError(
                    _("%(date)s is a weekday: it cannot be a weekend day worked.") % {"date": entry.date},
                    code=CommonErrorCode.INVALID,
                )
            )
        if entry.kind == OFF and entry.date.weekday() >= 5:
            problems.append(
                ValidationError(
                    _("%(date)s is a weekend day: it is off already.") % {"date": entry.date},
                    code=CommonErrorCode.INVALID,
                )
            )
        if not year - 1 <= entry.date.year <= year:
            problems.append(
                ValidationError(_("%(date)s is not in %(year)d.") % {"date": entry.date, "year": year}, code="invalid")
            )
    clash = HolidayDate.objects.filter(date__in=seen).exclude(schedule__year=year).values_list("date", flat=True)
    problems += [
        ValidationError(_("%(date)s belongs to another year's schedule.") % {"date": day}, code="invalid")
        for day in clash
    ]
    if problems:
        raise ValidationError(problems)


def past_changes(year: int, entries: list[Entry], *, today: datetime.date | None = None) -> list[datetime.date]:
    """The dates before today whose status the new entries would change: deadlines already run depend on them."""
    today = today or timezone.localdate()
    before = {e.date: e.kind for e in effective_entries(year)}
    after = {e.date: e.kind for e in entries}
    return sorted(day for day in set(before) | set(after) if day < today and before.get(day) != after.get(day))


@transaction.atomic
def save_schedule(notice: ParsedNotice, *, by=None, notice_text: str = "", today=None) -> HolidaySchedule:
    """Enter or replace a year's schedule, then queue the recomputation of the open deadlines that depend on it.

    Refuses (ValidationError, nothing saved) bad dates, a year far from now, and any change to a date already
    past: closed cases never change.
    """
    from core import events

    entries = notice.entries
    validate_entries(notice.year, entries, today=today)
    if past := past_changes(notice.year, entries, today=today):
        raise ValidationError(
            _("These dates are past, and deadlines already counted on them would change: %(dates)s.")
            % {"dates": "、".join(day.isoformat() for day in past)},
            code=CommonErrorCode.INVALID,
        )
    before = {e.date: e.kind for e in effective_entries(notice.year)}
    before_print = workdays.schedule_fingerprint(notice.year)
    schedule, created = HolidaySchedule.objects.select_for_update().get_or_create(year=notice.year)
    schedule.title, schedule.document_number = notice.title, notice.document_number
    schedule.published_on, schedule.notice_text, schedule.entered_by = notice.published_on, notice_text, by
    schedule.save()
    schedule.dates.all().delete()
    try:
        HolidayDate.objects.bulk_create(
            [HolidayDate(schedule=schedule, date=e.date, kind=e.kind, name=e.name[:50]) for e in entries]
        )
    except IntegrityError:
        raise ValidationError(_("A date is given twice."), code=CommonErrorCode.CONFLICT) from None
    workdays.forget_office_schedule()
    transaction.on_commit(workdays.forget_office_schedule)
    events.record(
        CalendarEvent,
        source="core",
        subject=f"core.holidayschedule:{schedule.year}",
        kind="calendar.entered" if created else "calendar.changed",
        by=by,
        payload={"year": schedule.year, "dates": len(entries), "document_number": schedule.document_number},
        schedule=schedule,
    )
    after = {e.date: e.kind for e in entries}
    request_recompute(
        notice.year, [day for day in set(before) | set(after) if before.get(day) != after.get(day)], before_print
    )
    return schedule


def request_recompute(year: int, flipped: Iterable[datetime.date], before: str) -> CalendarRecompute | None:
    """A recomputation of the dates a change flipped, queued after commit; one per change (before -> after)."""
    flipped = sorted(flipped)
    if not flipped:
        return None
    generation = hashlib.sha1(f"{before}>{workdays.schedule_fingerprint(year)}".encode()).hexdigest()
    run, _created = CalendarRecompute.objects.get_or_create(
        year=year, generation=generation, defaults={"dates": [day.isoformat() for day in flipped]}
    )
    if run.status != CalendarRecompute.Status.DONE:
        enqueue_on_commit("core.tasks.recompute_deadlines", run.pk, task_name=f"calendar-recompute-{run.pk}")
    return run


class Recompute:
    """What a platform's recomputer is handed: which deadlines may move, where each moves, and where it got to.

    Dates before today never change (``save_schedule`` refuses it), so a deadline keeps the number of working days
    it had left from today under the old calendar (the new one with the flipped dates flipped back), counted again
    under the new one.
    """

    def __init__(self, run: CalendarRecompute, today: datetime.date | None = None):
        self.run = run
        self.flipped = frozenset(datetime.date.fromisoformat(day) for day in run.dates)
        self.today = today or timezone.localdate()
        first = max(min(self.flipped), self.today)
        self.first_moment = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
        # The working-day index: a moved date for each due date, computed once (100,000 deadlines share few dates).
        self._moved: dict[datetime.date, datetime.date | None] = {}
        self._by_moment: dict[datetime.datetime, datetime.datetime | None] = {}  # the same, by due moment

    def _old_worked(self, day):
        worked = workdays.is_working_day(day)
        return not worked if day in self.flipped else worked

    def move(self, due_at: datetime.datetime | None) -> datetime.datetime | None:
        """The deadline's new moment under the new calendar, or None when it does not move."""
        if due_at is None:
            return None
        if due_at in self._by_moment:
            return self._by_moment[due_at]
        self._by_moment[due_at] = found = self._move_moment(due_at)
        return found

    def _move_moment(self, due_at):
        local = timezone.localtime(due_at)
        due = local.date()
        if due not in self._moved:
            self._moved[due] = self._move_date(due)
        new = self._moved[due]
        if new is None:
            return None
        return datetime.datetime.combine(new, local.timetz().replace(tzinfo=None), tzinfo=local.tzinfo)

    def _move_date(self, due):
        if due <= self.today or due < min(self.flipped) or not self._old_worked(due):
            return None
        left, day = 0, self.today
        while day < due:
            day += datetime.timedelta(days=1)
            if self._old_worked(day):
                left += 1
        new = workdays.add_working_days(self.today, left)
        return None if new == due else new

    def shifts(self, dues) -> dict[datetime.date, int]:
        """{local date: days it moves} for the dates of `dues` (datetimes) that move: the index the SQL path joins."""
        found = {}
        for due_at in dues:
            if due_at is None:
                continue
            day = timezone.localtime(due_at).date()
            if day not in found:
                if day not in self._moved:
                    self._moved[day] = self._move_date(day)
                new = self._moved[day]
                found[day] = None if new is None else (new - day).days
        return {day: days for day, days in found.items() if days}

    def shift(self, queryset, field: str, dues) -> int:
        """Move `field` of the rows `queryset` selects in one statement, by the dates of `dues` (their values):
        the same moves as ``move`` row by row. Returns the rows written."""
        from core import bulk

        return bulk.shift_by_day(queryset, field, self.shifts(dues))

    def record_moves(self, platform: str, moves: list[dict], clocks=()) -> CalendarEvent | None:
        """One ``calendar.deadlines_moved`` event for a chunk of moved deadlines, in the caller's transaction.

        Published (so supervision's audit chain records it once per chunk, with every move in it, links it to each
        case's timeline by the moves' ``subject``, and applies the clock instructions in bulk). Each move is a dict
        with at least ``subject``, ``what``, ``from`` and ``to`` (ISO datetimes).
        """
        from core import events

        if not moves:
            return None
        return events.record(
            CalendarEvent,
            source="core",
            subject=f"core.holidayschedule:{self.run.year}",
            kind=MOVED_KIND,
            payload={"year": self.run.year, "calendar_run": self.run.pk, "platform": platform, "moves": moves},
            clocks=clocks,
            schedule_id=self.schedule_id,
        )

    def moves_of(self, platform: str):
        """The moves this run recorded for a platform so far (across interrupted attempts), chunk by chunk."""
        rows = CalendarEvent.objects.filter(
            kind=MOVED_KIND, payload__calendar_run=self.run.pk, payload__platform=platform
        ).order_by("pk")
        for payload in rows.values_list("payload", flat=True).iterator(chunk_size=2):
            yield from payload.get("moves", ())

    @cached_property
    def schedule_id(self):
        return HolidaySchedule.objects.filter(year=self.run.year).values_list("pk", flat=True).first()

    def locked_chunks(self, name: str, queryset, fields: Iterable[str], size: int):
        """The rows of `queryset` (as values of `fields`, which include ``pk``) this platform has not moved yet, by
        pk, `size` at a time: each chunk is locked and handed over inside its own transaction, and marked done in it
        once the caller's body has run (an error rolls the chunk back and leaves it for the rerun)."""
        last = self.done_up_to(name)
        while True:
            with transaction.atomic():
                rows = list(
                    queryset.select_for_update(of=("self",)).filter(pk__gt=last).order_by("pk").values(*fields)[:size]
                )
                if not rows:
                    return
                yield rows
                last = rows[-1]["pk"]
                self.mark_done(name, last)

    def done_up_to(self, name: str) -> int:
        """The last row (pk) this platform finished in an earlier, interrupted attempt; 0 at first."""
        return int(self.run.progress.get(name, 0))

    def mark_done(self, name: str, pk: int) -> None:
        """Call inside the transaction that moved row `pk`: a rerun resumes after it, never moving it twice."""
        self.run.progress[name] = pk
        CalendarRecompute.objects.filter(pk=self.run.pk).update(progress=self.run.progress)


def recompute_deadlines(run_id: int, *, today: datetime.date | None = None) -> int:
    """Run one recomputation: every registered platform moves its open deadlines; safe to run twice.

    Claimed by a conditional update (a finished run is never run again); each platform records its progress in
    the transaction of each row it moves, so an interrupted run resumes where it stopped.
    """
    from core import events

    claimed = CalendarRecompute.objects.filter(
        pk=run_id, status__in=[CalendarRecompute.Status.PENDING, CalendarRecompute.Status.RUNNING]
    ).update(status=CalendarRecompute.Status.RUNNING)
    if not claimed:
        return 0
    run = CalendarRecompute.objects.get(pk=run_id)
    workdays.forget_office_schedule()
    context = Recompute(run, today)
    moved = run.changed
    for name, func in recomputers().items():
        count = func(context)
        logger.info("Calendar %s: %s moved %s deadlines.", run.year, name, count)
        moved += count
    with transaction.atomic():
        CalendarRecompute.objects.filter(pk=run_id).update(
            status=CalendarRecompute.Status.DONE, finished_at=timezone.now(), changed=moved
        )
        events.record(
            CalendarEvent,
            source="core",
            subject=f"core.holidayschedule:{run.year}",
            kind="calendar.recomputed",
            payload={"year": run.year, "moved": moved, "dates": run.dates},
            schedule=HolidaySchedule.objects.filter(year=run.year).first(),
        )
    return moved


def sweep_recomputes() -> int:
    """The backstop: runs every recomputation left pending or interrupted (a lost task, a broker outage)."""
    runs = list(CalendarRecompute.objects.exclude(status=CalendarRecompute.Status.DONE).values_list("pk", flat=True))
    for pk in runs:
        recompute_deadlines(pk)
    return len(runs)


def warn_ahead_year(today: datetime.date | None = None) -> int | None:
    """From 1 November: next year, while its official schedule is unknown (the banner and `check` say so)."""
    today = today or timezone.localdate()
    if today.month >= 11 and not workdays.is_known_year(today.year + 1):
        return today.year + 1
    return None
