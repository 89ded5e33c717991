"""The office's holiday schedule comes before the package, which comes before the provisional rules."""

import datetime
from dataclasses import dataclass, field
from datetime import date as D
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from core import calendar, workdays
from core.holiday_notice import OFF, WORKDAY, Entry, ParsedNotice, parse_notice
from core.models import CalendarEvent, CalendarRecompute, HolidayDate, HolidaySchedule

NOTICES = Path(__file__).parent / "notices"
TODAY = D(2026, 12, 3)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


# A made-up 2027 schedule in the notice's wording (the real one is not published yet).
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至13日（周六）放假调休，共9天。2月14日（周日）上班。
"""


@dataclass
class Given(ParsedNotice):
    """A notice with its entries given as they are, to test what save_schedule refuses."""

    given: list = field(default_factory=list)

    @property
    def entries(self):
        return self.given


def notice(year, *entries):
    return Given(year=year, given=list(entries))


def enter(text=NOTICE_2027, year=2027):
    return calendar.save_schedule(parse_notice(text, year), today=TODAY)


def test_a_year_nobody_has_entered_is_provisional_with_statutory_holidays_but_no_make_up_days():
    assert workdays.source_of(2027) == workdays.PROVISIONAL
    assert workdays.is_provisional(D(2027, 3, 1))
    assert not workdays.is_working_day(D(2027, 1, 1))  # 元旦 by rule
    assert not workdays.is_working_day(D(2027, 2, 14))  # a Sunday: no 调休 is guessed


def test_the_office_entry_makes_a_year_official_and_moves_the_count():
    before = workdays.add_working_days(D(2027, 2, 4), 3)
    enter()
    assert workdays.source_of(2027) == workdays.OFFICE
    assert not workdays.is_provisional(D(2027, 3, 1))
    assert workdays.is_working_day(D(2027, 2, 14))  # the Sunday worked
    assert not workdays.is_working_day(D(2027, 2, 12))  # a Friday off
    assert workdays.add_working_days(D(2027, 2, 4), 3) != before
    assert workdays.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 14)


def test_the_office_entry_comes_before_the_package_for_a_year_the_package_knows():
    assert workdays.is_working_day(D(2026, 12, 31))
    schedule = HolidaySchedule.objects.create(year=2026)
    HolidayDate.objects.create(schedule=schedule, date=D(2026, 12, 31), kind=OFF, name="元旦")
    workdays.forget_office_schedule()
    assert workdays.source_of(2026) == workdays.OFFICE
    assert not workdays.is_working_day(D(2026, 12, 31))


def test_the_office_schedule_is_read_in_one_query_and_then_kept(django_assert_num_queries):
    enter()
    workdays.forget_office_schedule()
    with django_assert_num_queries(1):
        for day in range(1, 28):
            workdays.is_working_day(D(2027, 2, day))
        workdays.add_working_days(D(2027, 2, 1), 20)


def test_entering_a_year_is_audited_and_queues_one_recomputation(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule = enter()
    assert schedule.dates.count() == len(parse_notice(NOTICE_2027).entries)
    assert [e.kind for e in published] == ["calendar.entered"]
    assert CalendarEvent.objects.filter(kind="calendar.entered").count() == 1
    assert CalendarRecompute.objects.filter(year=2027, status="pending").count() == 1
    assert callbacks


def test_entering_the_same_year_again_recomputes_once_per_version():
    enter()
    enter()
    assert CalendarRecompute.objects.filter(year=2027).count() == 1
    assert HolidaySchedule.objects.get(year=2027).dates.count() == 8


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ([Entry(D(2027, 2, 15), WORKDAY, "春节")], "weekday"),
        ([Entry(D(2027, 2, 13), OFF, "春节")], "weekend"),
        ([Entry(D(2027, 2, 15), OFF, "春节"), Entry(D(2027, 2, 15), OFF, "春节")], "twice"),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_saved(entries, words):
    with pytest.raises(ValidationError) as refused:
        calendar.save_schedule(notice(2027, *entries), today=TODAY)
    assert words in " ".join(refused.value.messages)
    assert not HolidaySchedule.objects.exists()


def test_a_year_far_from_now_is_refused():
    with pytest.raises(ValidationError) as refused:
        calendar.save_schedule(notice(2031, Entry(D(2031, 1, 1), OFF, "元旦")), today=TODAY)
    assert "2031" in refused.value.messages[0]


def test_a_change_to_dates_already_past_is_refused_so_closed_cases_never_change():
    with pytest.raises(ValidationError) as refused:
        calendar.save_schedule(notice(2026, Entry(D(2026, 11, 2), OFF, "")), today=TODAY)
    assert "2026-11-02" in refused.value.messages[0]
    assert not HolidaySchedule.objects.exists()


def test_the_office_may_confirm_a_year_the_package_knows_when_the_past_stays_the_same():
    parsed = parse_notice((NOTICES / "2026.txt").read_text(encoding="utf-8"))
    calendar.save_schedule(parsed, today=TODAY)
    assert calendar.differences(calendar.office_entries(2026), 2026) == []


def test_differences_from_the_package_are_listed():
    entries = [*calendar.package_entries(2026), Entry(D(2026, 12, 31), OFF, "元旦")]
    diff = calendar.differences(entries, 2026)
    assert [(d.date, d.office, d.package) for d in diff] == [(D(2026, 12, 31), OFF, "")]
    assert calendar.differences([], 2027) is None


def test_the_warning_starts_on_1_november_and_ends_when_next_year_is_known():
    assert calendar.warn_ahead_year(D(2026, 10, 31)) is None
    assert calendar.warn_ahead_year(D(2026, 11, 1)) == 2027
    enter()
    assert calendar.warn_ahead_year(D(2026, 12, 3)) is None
    assert calendar.warn_ahead_year(datetime.date(2025, 11, 1)) is None  # the package knows 2026
