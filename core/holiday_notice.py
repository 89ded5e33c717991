"""Reading the State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) into dated entries.

The notice's items follow one wording, year after year::

    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。

An item names its holiday (or two: 国庆节、中秋节), then sentences: a day or a range of days off (放假, within a
month "4月4日至6日" or across months, "与周末连休", "不调休", "共N天"), and the weekend days worked (上班). Weekday
notes (周X, 星期X) are checked against the calendar. A sentence that encourages units to let staff rest (鼓励...) is
not an official day off and is skipped. Any other sentence of an item with a date in it, and any line outside the
items that speaks of days off or worked with a date, is an error naming its line: nothing is half-read.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

OFF, WORKDAY = "off", "workday"
_WEEKDAYS = "一二三四五六日天"
_DATE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?:（(?P<note>[^）]*)）)?",
)
_ITEM = re.compile(r"(?:^|(?<=[。\s]))([一二三四五六七八九十]{1,3})、")
_TITLE = re.compile(r"关于(\d{4})年(?:部分)?节假日安排的通知")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")
_DATE_LINE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")
_SCHEDULE_WORDS = ("放假", "上班", "调休", "休息")
_NOT_OFFICIAL = ("鼓励",)


class NoticeError(ValueError):
    """A notice that cannot be read: the message names the line (for people, translated)."""

    def __init__(self, message: str, line: int | None = None, text: str = ""):
        self.line, self.text = line, text
        if line is not None:
            message = _("Line %(line)d (%(text)s): %(problem)s") % {"line": line, "text": text, "problem": message}
        super().__init__(message)


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str  # OFF (a weekday off) or WORKDAY (a weekend day worked)
    name: str


@dataclass
class Holiday:
    name: str
    first_day: datetime.date
    last_day: datetime.date
    worked: list[datetime.date] = field(default_factory=list)
    line: int | None = None
    text: str = ""


@dataclass
class ParsedNotice:
    year: int
    title: str = ""
    document_number: str = ""
    published_on: datetime.date | None = None
    holidays: list[Holiday] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        """The dates whose status differs from an ordinary Monday-to-Friday week, sorted."""
        found = []
        for holiday in self.holidays:
            day = holiday.first_day
            while day <= holiday.last_day:
                if day.weekday() < 5:
                    found.append(Entry(day, OFF, holiday.name))
                day += datetime.timedelta(days=1)
            found += [Entry(day, WORKDAY, holiday.name) for day in holiday.worked]
        return sorted(found, key=lambda entry: entry.date)


def parse_notice(text: str, year: int | None = None) -> ParsedNotice:
    """The notice's title, number, date and holidays; raises NoticeError for anything it cannot read."""
    text = _normalise(text)
    lines = text.split("\n")
    title_year = None
    notice = ParsedNotice(year=year or 0)
    items = []  # (line number, text)
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        marks = list(_ITEM.finditer(stripped))
        if marks:
            if marks[0].start() > 0 and _mentions_schedule(stripped[: marks[0].start()]):
                raise NoticeError(_("this line could not be read."), number, stripped)
            for mark, following in zip(marks, [*marks[1:], None], strict=True):
                items.append((number, stripped[mark.end() : following.start() if following else None].strip()))
            continue
        if match := _TITLE.search(stripped):
            title_year = int(match.group(1))
            notice.title = stripped[:200]
        elif match := _DOC_NUMBER.search(stripped):
            notice.document_number = match.group(0)
        elif match := _DATE_LINE.match(stripped):
            notice.published_on = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)), number, line)
        elif _mentions_schedule(stripped):
            raise NoticeError(_("this line could not be read."), number, stripped)
    if year and title_year and year != title_year:
        raise NoticeError(_("The notice is for %(found)d, not %(year)d.") % {"found": title_year, "year": year})
    notice.year = year or title_year or 0
    if not notice.year:
        raise NoticeError(_("The year could not be found: give it, or paste the notice with its title."))
    if not items:
        raise NoticeError(_("No holiday could be found in the notice."))
    for number, item in items:
        holiday = _holiday(item, notice.year, number)
        holiday.line, holiday.text = number, item
        notice.holidays.append(holiday)
    _check_overlaps(notice)
    return notice


def _normalise(text):
    table = str.maketrans({"(": "（", ")": "）", ":": "：", "[": "〔", "]": "〕", "\u3000": " ", "\r": "\n"})
    return text.translate(table)


def _mentions_schedule(text):
    return bool(_DATE.search(text)) and any(word in text for word in _SCHEDULE_WORDS)


def _holiday(item, year, number):
    name, colon, body = item.partition("：")
    if not colon or not name or len(name) > 20:
        raise NoticeError(_("the holiday's name is missing (write it before a colon)."), number, item)
    holiday = None
    for sentence in filter(None, (part.strip() for part in re.split(r"[。；]", body))):
        if any(word in sentence for word in _NOT_OFFICIAL):
            continue
        if "放假" in sentence:
            if holiday is not None:
                raise NoticeError(_("two periods of days off in one item."), number, item)
            holiday = _days_off(sentence, name, year, number, item)
        elif "上班" in sentence:
            if holiday is None:
                raise NoticeError(_("days worked are given before the days off."), number, item)
            holiday.worked += _dates(sentence.split("上班")[0], year, number, item)
        elif _DATE.search(sentence):
            raise NoticeError(_("this sentence could not be read: %(s)s") % {"s": sentence}, number, item)
    if holiday is None:
        raise NoticeError(_("no days off are given."), number, item)
    return holiday


def _days_off(sentence, name, year, number, item):
    before = sentence.split("放假")[0]
    first_part, to, last_part = before.partition("至")
    first = _dates(first_part, year, number, item)
    if len(first) != 1:
        raise NoticeError(_("the first day off could not be read."), number, item)
    first_day = last_day = first[0]
    if to:
        last = _dates(last_part, year, number, item, month=first_day.month, year_of_month=first_day.year)
        if len(last) != 1:
            raise NoticeError(_("the last day off could not be read."), number, item)
        last_day = last[0]
        if last_day < first_day:
            raise NoticeError(_("the days off end before they begin."), number, item)
    if total := re.search(r"(?:共|放假)(\d+)天", sentence):
        days = (last_day - first_day).days + 1
        if int(total.group(1)) != days:
            raise NoticeError(
                _("it says %(said)s days, but the dates give %(days)d.") % {"said": total.group(1), "days": days},
                number,
                item,
            )
    return Holiday(name.strip(), first_day, last_day)


def _dates(text, year, number, item, month=None, year_of_month=None):
    found = []
    for match in _DATE.finditer(text):
        day_year = int(match.group("y")) if match.group("y") else (year_of_month or year)
        if match.group("m"):
            month = int(match.group("m"))
            if not match.group("y"):
                day_year = year
        if month is None:
            raise NoticeError(_("a date has no month."), number, item)
        day = _date(day_year, month, int(match.group("d")), number, item)
        note = match.group("note") or ""
        if weekday := re.search(r"(?:周|星期)([" + _WEEKDAYS + "])", note):
            expected = _WEEKDAYS.index(weekday.group(1))
            if min(expected, 6) != day.weekday():
                raise NoticeError(
                    _("%(date)s is not a %(note)s in %(year)d.")
                    % {"date": f"{day.month}月{day.day}日", "note": weekday.group(0), "year": day.year},
                    number,
                    item,
                )
        found.append(day)
        year_of_month = day.year
    return found


def _date(year, month, day, number, line):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise NoticeError(_("there is no such date."), number, line.strip()) from None


def _check_overlaps(notice):
    seen = {}
    for holiday in notice.holidays:
        day = holiday.first_day
        days = []
        while day <= holiday.last_day:
            days.append(day)
            day += datetime.timedelta(days=1)
        for day in days + holiday.worked:
            if day in seen:
                raise NoticeError(
                    _("%(date)s appears twice (%(first)s, %(second)s).")
                    % {"date": day.isoformat(), "first": seen[day], "second": holiday.name},
                    holiday.line,
                    holiday.text,
                )
            seen[day] = holiday.name
        for day in holiday.worked:
            if day.weekday() < 5:
                raise NoticeError(
                    _("%(date)s is given as a day worked, but it is a weekday already (%(name)s).")
                    % {"date": day.isoformat(), "name": holiday.name},
                    holiday.line,
                    holiday.text,
                )
