"""Working days (工作日) of mainland China: the one module the project counts them with.

Fed by the `holidays` package's China calendar, which knows the State Council's yearly schedule: public holidays,
their bridging rest days, and the weekend days worked in exchange (调休). Approval deadlines, supervision clocks and
holiday SMS reminders all count through here, so a correction to the calendar reaches every one of them.

A year whose schedule the package does not know yet (the State Council announces the next year's in November; the
package is upgraded each December) has no trustworthy working days. Touching such a year always logs an error on
the "core.workdays" logger (once per year and process) so operators upgrade the package. What happens next is
the caller's choice:

- ``strict=True`` (deadlines people are held to, e.g. an approval's due date): ``UnknownCalendarYear`` is raised,
  with a message for people, rather than a date that may be wrong;
- the default gives a provisional answer from the fixed rules (no 调休), for uses that must go on working and can
  be corrected later (holiday reminders, supervision's warning rungs). Callers that need certainty pass strict.
"""

import datetime
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils.translation import gettext as _
from holidays.countries.china import ChinaStaticHolidays

logger = logging.getLogger(__name__)

# The seven statutory holidays, in the names the package uses (language zh_CN).
PUBLIC_HOLIDAYS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
# The package lists the eve of the Spring Festival (official since 2025) under its own name.
_ALIASES = {"农历除夕": "春节"}


@lru_cache(maxsize=1)
def _calendar():
    # One shared instance: it fills in a year the first time a date of that year is asked about.
    return holidays.China(language="zh_CN")


class UnknownCalendarYear(Exception):
    """Working days were asked of a year whose State Council schedule the calendar does not have."""

    def __init__(self, year):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar for %(year)d has not been published in this system yet, so no deadline "
                "can be computed for it. Please ask the administrator to update the holiday calendar."
            )
            % {"year": year}
        )


_alerted_years = set()


def known_years() -> frozenset[int]:
    """The years whose official holiday schedule (with its 调休 make-up days) the package carries."""
    return frozenset(ChinaStaticHolidays.special_public_holidays)


def is_known_year(year: int) -> bool:
    return year in known_years()


def check_year(year: int):
    """Raise UnknownCalendarYear (and alert, once per year) unless the calendar knows this year."""
    if is_known_year(year):
        return
    _alert(year)
    raise UnknownCalendarYear(year)


def _alert(year):
    if year not in _alerted_years:
        _alerted_years.add(year)
        logger.error("Working-day calendar has no State Council schedule for %s: upgrade the `holidays` package.", year)


def _checked(year, strict):
    if is_known_year(year):
        return
    if strict:
        check_year(year)
    _alert(year)


def is_working_day(day: datetime.date, *, strict: bool = False) -> bool:
    """Monday to Friday unless a holiday or rest day, plus the weekend days worked in exchange (调休).

    For a year the calendar does not know: UnknownCalendarYear when strict, else the fixed rules (alerted).
    """
    day = _as_date(day)
    _checked(day.year, strict)
    return _calendar().is_working_day(day)


def add_working_days(day: datetime.date, n: int, *, strict: bool = False) -> datetime.date:
    """The n-th working day after `day` (before it when n is negative); n=0 gives `day` or the next working day.

    When the count runs into a year the calendar does not know: UnknownCalendarYear when strict, else a
    provisional date from the fixed rules (alerted).
    """
    day = _as_date(day)
    result = _calendar().get_nth_working_day(day, n)
    # The days the count looked at: `day` itself only when n=0.
    first = day if n == 0 else day + datetime.timedelta(days=1 if n > 0 else -1)
    for year in range(min(first.year, result.year), max(first.year, result.year) + 1):
        _checked(year, strict)
    return result


def working_days_between(start: datetime.date, end: datetime.date, *, strict: bool = False) -> int:
    """How many working days lie after `start` up to and including `end` (0 when end <= start)."""
    start, end = _as_date(start), _as_date(end)
    for year in range(start.year, max(start.year, end.year) + 1):
        _checked(year, strict)
    calendar = _calendar()
    count = 0
    day = start + datetime.timedelta(days=1)
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        day += datetime.timedelta(days=1)
    return count


@dataclass(frozen=True)
class PublicHoliday:
    first_day: datetime.date
    last_day: datetime.date
    name: str  # "春节", or "国庆节、中秋节" when two holidays share one period


def public_holidays(year: int) -> list[PublicHoliday]:
    """The public holiday periods of a year, in date order, each from its first to its last day off.

    A period is the run of consecutive days off (weekends and rest days included) around a statutory holiday, as
    the State Council announces it: 2026's Spring Festival runs from Sunday 15 February to 23 February. A period
    belongs to the year of its holiday, so 元旦 may start on 31 December of the year before.
    """
    if not is_known_year(year):
        _alert(year)
    calendar = _calendar()
    named = {}
    for day in _dates_of(calendar, year):
        name = _statutory_name(calendar.get(day))
        if name:
            named[day] = name
    periods, seen = [], set()
    for day in sorted(named):
        if day in seen:
            continue
        first = last = day
        while not calendar.is_working_day(first - datetime.timedelta(days=1)):
            first -= datetime.timedelta(days=1)
        while not calendar.is_working_day(last + datetime.timedelta(days=1)):
            last += datetime.timedelta(days=1)
        names = []
        current = first
        while current <= last:
            seen.add(current)
            name = named.get(current) or _statutory_name(calendar.get(current))
            if name and name not in names:
                names.append(name)
            current += datetime.timedelta(days=1)
        periods.append(PublicHoliday(first, last, "、".join(names)))
    return periods


def _dates_of(calendar, year):
    calendar.get(datetime.date(year, 1, 1))  # makes the package fill in the year
    return sorted(day for day in calendar if day.year == year)


def _statutory_name(label):
    """'国庆节（补假）' -> '国庆节'; rest days ('休息日（由 ... 调休）') have none."""
    if not label:
        return None
    for part in label.split("; "):
        part = re.sub(r"（.*?）", "", part).strip()
        part = _ALIASES.get(part, part)
        if part in PUBLIC_HOLIDAYS:
            return part
    return None


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value
