"""Working days (工作日) of mainland China: the one module the project counts them with.

Three sources, in this order of precedence, decide whether a date is worked:

1. the office's entry of a year's State Council schedule (``core.models.HolidaySchedule``, entered in the admin
   under 系统设置 → 节假日安排 or with ``manage.py holiday_schedule import``);
2. the ``holidays`` package's China calendar, which carries the years it was released with;
3. provisional rules: weekends and the statutory holidays computed by rule (``holidays`` does that for any year),
   without 调休.

Nothing is refused: a deadline that reaches into a year without an official schedule (neither the office's nor the
package's) is computed by the provisional rules, and ``is_provisional`` says so, so every screen and SMS that shows
it marks it 暂定. When the year is entered, ``core.calendar.recompute_open_deadlines`` moves the open deadlines.
Touching such a year logs a warning on the "core.workdays" logger once per year and process.

The office's entries are read from the database at most every ``WORKDAYS_OFFICE_TTL`` seconds per process (one
query), and at once after a change made in this process; the recomputation task reloads them before it runs.
"""

import datetime
import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.conf import settings
from django.db import DatabaseError
from holidays.countries.china import ChinaStaticHolidays

logger = logging.getLogger(__name__)

# The seven statutory holidays, in the names the package uses (language zh_CN).
PUBLIC_HOLIDAYS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
# The package lists the eve of the Spring Festival (official since 2025) under its own name.
_ALIASES = {"农历除夕": "春节"}

OFFICE, PACKAGE, PROVISIONAL = "office", "package", "provisional"
# How long a process trusts its copy of the office's entries (settings.WORKDAYS_OFFICE_TTL, seconds).
OFFICE_TTL = 10.0
_ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=1)
def _calendar():
    # One shared instance: it fills in a year the first time a date of that year is asked about.
    return holidays.China(language="zh_CN")


@dataclass
class _Office:
    years: frozenset = frozenset()
    off: dict = field(default_factory=dict)  # date -> holiday name
    worked: dict = field(default_factory=dict)  # date -> holiday name
    loaded_at: float = 0.0


_office_memo = _Office(loaded_at=-1e9)
_alerted_years = set()


def forget_office_schedule() -> None:
    """Read the office's entries again at the next question (after a change, and before a recomputation)."""
    global _office_memo
    _office_memo = _Office(loaded_at=-1e9)


def _office() -> _Office:
    global _office_memo
    if time.monotonic() - _office_memo.loaded_at < getattr(settings, "WORKDAYS_OFFICE_TTL", OFFICE_TTL):
        return _office_memo
    from core.models import HolidaySchedule

    try:
        rows = list(HolidaySchedule.objects.values_list("year", "dates__date", "dates__kind", "dates__name"))
    except (DatabaseError, RuntimeError):  # no database (yet): the package and the rules answer
        logger.warning("The office's holiday schedule could not be read; using the package's calendar.")
        return _Office()
    memo = _Office(years=frozenset(row[0] for row in rows), loaded_at=time.monotonic())
    for _year, day, kind, name in rows:
        if day is not None:
            (memo.worked if kind == "workday" else memo.off)[day] = name or ""
    _office_memo = memo
    return memo


def package_years() -> frozenset[int]:
    """The years whose official schedule (with its 调休 make-up days) the ``holidays`` package carries."""
    return frozenset(ChinaStaticHolidays.special_public_holidays)


def office_years() -> frozenset[int]:
    return _office().years


def known_years() -> frozenset[int]:
    """The years with an official schedule: entered by the office or carried by the package."""
    return package_years() | office_years()


def is_known_year(year: int) -> bool:
    return year in known_years()


def source_of(year: int) -> str:
    """Where a year's working days come from: OFFICE, PACKAGE or PROVISIONAL (rules without 调休)."""
    if year in office_years():
        return OFFICE
    if year in package_years():
        return PACKAGE
    return PROVISIONAL


def is_provisional(moment) -> bool:
    """Whether a deadline falling on this date (or datetime) was computed without an official schedule (暂定)."""
    if moment is None:
        return False
    return not is_known_year(_as_date(moment).year)


def _alert(year):
    if year not in _alerted_years:
        _alerted_years.add(year)
        logger.warning("No official holiday schedule for %s: deadlines in it are provisional (暂定).", year)


def _worked(day: datetime.date, office: _Office) -> bool:
    if day in office.worked:
        return True
    if day in office.off:
        return False
    if day.year in office.years:
        return day.weekday() < 5
    return _calendar().is_working_day(day)


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday unless a holiday or rest day, plus the weekend days worked in exchange (调休).

    A year without an official schedule answers by the provisional rules (and alerts the operators once).
    """
    day = _as_date(day)
    office = _office()
    if day.year not in office.years and day.year not in package_years():
        _alert(day.year)
    return _worked(day, office)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` (before it when n is negative); n=0 gives `day` or the next working day."""
    day = _as_date(day)
    office = _office()
    step = -_ONE_DAY if n < 0 else _ONE_DAY
    if n == 0:
        while not _worked(day, office):
            day += _ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if _worked(day, office):
            remaining -= 1
    if not is_known_year(day.year):
        _alert(day.year)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie after `start` up to and including `end` (0 when end <= start)."""
    start, end = _as_date(start), _as_date(end)
    office = _office()
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if _worked(day, office):
            count += 1
        day += _ONE_DAY
    return count


def day_name(day: datetime.date) -> str:
    """The holiday a date belongs to, as the source of its year names it ('' for none)."""
    office = _office()
    if day in office.off or day in office.worked:
        return office.off.get(day) or office.worked.get(day) or ""
    if day.year in office.years:
        return ""
    return _calendar().get(day) or ""


def schedule_fingerprint(year: int) -> str:
    """A short digest of the dates that decide a year (office entries, else the package's), for idempotency."""
    office = _office()
    parts = [f"{d}:w" for d in sorted(office.worked) if d.year == year]
    parts += [f"{d}:o" for d in sorted(office.off) if d.year == year]
    parts.append(source_of(year))
    return hashlib.sha1(",".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class PublicHoliday:
    first_day: datetime.date
    last_day: datetime.date
    name: str  # "春节", or "国庆节、中秋节" when two holidays share one period

    @property
    def provisional(self) -> bool:
        """Computed by rule, without an official schedule for its year: shown marked 暂定."""
        return is_provisional(self.first_day) or is_provisional(self.last_day)


def public_holidays(year: int) -> list[PublicHoliday]:
    """The public holiday periods of a year, in date order, each from its first to its last day off.

    A period is the run of consecutive days off (weekends and rest days included) around a statutory holiday, as
    the State Council announces it: 2026's Spring Festival runs from Sunday 15 February to 23 February. A period
    belongs to the year of its holiday, so 元旦 may start on 31 December of the year before.
    """
    if not is_known_year(year):
        _alert(year)
    office = _office()
    named = {}
    if year in office.years:
        for day, label in office.off.items():
            if day.year == year or (day.month == 12 and day.year == year - 1 and "元旦" in label):
                if _statutory_names(label):
                    named[day] = label
    else:
        for day in _dates_of(_calendar(), year):
            if _statutory_names(_calendar().get(day)):
                named[day] = _calendar().get(day)
    periods, seen = [], set()
    for day in sorted(named):
        if day in seen:
            continue
        first = last = day
        while not _worked(first - _ONE_DAY, office):
            first -= _ONE_DAY
        while not _worked(last + _ONE_DAY, office):
            last += _ONE_DAY
        names = []
        current = first
        while current <= last:
            seen.add(current)
            for name in _statutory_names(named.get(current) or day_name(current)):
                if name not in names:
                    names.append(name)
            current += _ONE_DAY
        periods.append(PublicHoliday(first, last, "、".join(names)))
    return periods


def _dates_of(calendar, year):
    calendar.get(datetime.date(year, 1, 1))  # makes the package fill in the year
    return sorted(day for day in calendar if day.year == year)


def _statutory_names(label):
    """'国庆节（补假）' -> ['国庆节']; '国庆节、中秋节' -> both; rest days ('休息日（由 ... 调休）') have none."""
    if not label:
        return []
    names = []
    for part in re.split(r"; |、", label):
        part = re.sub(r"（.*?）", "", part).strip()
        part = _ALIASES.get(part, part)
        if part in PUBLIC_HOLIDAYS and part not in names:
            names.append(part)
    return names


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value
