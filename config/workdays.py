"""Working days (工作日) of mainland China: the one module the project counts them with.

Fed by the `holidays` package's China calendar, which knows the State Council's yearly schedule: public holidays,
their bridging rest days, and the weekend days worked in exchange (调休). Approval deadlines, supervision clocks and
holiday SMS reminders all count through here, so a correction to the calendar reaches every one of them.

For a year whose schedule the package has not published yet it falls back to the fixed rules (no 调休); the
package is upgraded each December when the next year's schedule is announced.
"""

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

import holidays

# The seven statutory holidays, in the names the package uses (language zh_CN).
PUBLIC_HOLIDAYS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
# The package lists the eve of the Spring Festival (official since 2025) under its own name.
_ALIASES = {"农历除夕": "春节"}


@lru_cache(maxsize=1)
def _calendar():
    # One shared instance: it fills in a year the first time a date of that year is asked about.
    return holidays.China(language="zh_CN")


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday unless a holiday or rest day, plus the weekend days worked in exchange (调休)."""
    return _calendar().is_working_day(_as_date(day))


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` (before it when n is negative); n=0 gives `day` or the next working day."""
    return _calendar().get_nth_working_day(_as_date(day), n)


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
        while not is_working_day(first - datetime.timedelta(days=1)):
            first -= datetime.timedelta(days=1)
        while not is_working_day(last + datetime.timedelta(days=1)):
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
