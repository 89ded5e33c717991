"""Reading the State Council's notice: the real 2024, 2025 and 2026 notices give the package's own dates."""

import datetime
from datetime import date as D
from pathlib import Path

import holidays
import pytest
from django.core.management import CommandError, call_command

from core.holiday_notice import OFF, WORKDAY, NoticeError, parse_notice

NOTICES = Path(__file__).parent / "notices"


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English here; the Chinese ones are the catalogue's."""
    from django.utils import translation

    with translation.override("en"):
        yield


def text(year):
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def package_differences(year):
    calendar, found, day = holidays.China(language="zh_CN"), set(), D(year, 1, 1)
    while day.year == year:
        worked = calendar.is_working_day(day)
        if day.weekday() < 5 and not worked:
            found.add((day, OFF))
        elif day.weekday() >= 5 and worked:
            found.add((day, WORKDAY))
        day += datetime.timedelta(days=1)
    return found


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_each_real_notice_gives_exactly_the_official_dates(year):
    notice = parse_notice(text(year))
    assert notice.year == year
    assert {(e.date, e.kind) for e in notice.entries} == package_differences(year)


def test_the_title_number_and_date_of_the_notice_are_read():
    notice = parse_notice(text(2025))
    assert notice.title == "国务院办公厅关于2025年部分节假日安排的通知"
    assert notice.document_number == "国办发明电〔2024〕12号"
    assert notice.published_on == D(2024, 11, 12)


def test_the_2025_wording_ranges_across_months_single_days_and_two_holidays_in_one_item():
    notice = parse_notice(text(2025))
    names = [(h.name, h.first_day, h.last_day) for h in notice.holidays]
    assert names[0] == ("元旦", D(2025, 1, 1), D(2025, 1, 1))  # 放假1天，不调休
    assert names[1] == ("春节", D(2025, 1, 28), D(2025, 2, 4))  # across months, lunar notes
    assert names[4] == ("端午节", D(2025, 5, 31), D(2025, 6, 2))
    assert names[5] == ("国庆节、中秋节", D(2025, 10, 1), D(2025, 10, 8))
    assert notice.holidays[1].worked == [D(2025, 1, 26), D(2025, 2, 8)]


def test_the_2024_wording_with_weekend_bridges_and_星期_notes():
    notice = parse_notice(text(2024))
    assert notice.holidays[0].first_day == notice.holidays[0].last_day == D(2024, 1, 1)  # 与周末连休
    assert notice.holidays[4].name == "端午节" and notice.holidays[4].first_day == D(2024, 6, 10)


def test_an_encouragement_to_let_staff_rest_is_not_a_day_off():
    entries = {e.date for e in parse_notice(text(2024)).entries}
    assert D(2024, 2, 9) not in entries  # 鼓励……安排职工在除夕（2月9日）休息


def test_items_pasted_as_one_paragraph_and_ascii_punctuation_are_read():
    one_line = "一、元旦:1月1日(周三)放假1天，不调休。二、清明节：4月4日（周五）至6日（周日）放假，共3天。"
    notice = parse_notice(one_line, 2025)
    assert [h.name for h in notice.holidays] == ["元旦", "清明节"]


def test_a_date_with_its_year_may_start_in_the_year_before():
    notice = parse_notice("一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。", 2023)
    assert (notice.holidays[0].first_day, notice.holidays[0].last_day) == (D(2022, 12, 31), D(2023, 1, 2))
    assert [e.date for e in notice.entries] == [D(2023, 1, 2)]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("一、元旦：1月1日（周四）放假1天，不调休。", "周四"),  # 1 January 2025 is a Wednesday
        ("一、春节：1月28日至2月4日放假调休，共9天。", "9"),
        ("一、春节：1月28日至2月4日放假调休，共8天。1月25日（周日）上班。", "周日"),
        ("一、春节：1月28日至2月4日放假调休，共8天。1月27日上班。", "weekday"),
        ("一、春节：2月31日放假。", "no such date"),
        ("一、元旦 1月1日放假。", "name"),
        ("一、元旦：1月1日放假。二、春节：1月1日至2日放假。", "twice"),
        ("一、清明节：4月4日休，4月7日有活动。", "could not be read"),
    ],
)
def test_a_line_it_cannot_read_is_an_error_naming_it(line, words):
    with pytest.raises(NoticeError) as refused:
        parse_notice(line, 2025)
    assert words in str(refused.value)


def test_an_unreadable_schedule_line_outside_the_items_is_named_with_its_number():
    with pytest.raises(NoticeError) as refused:
        parse_notice("国务院办公厅关于2025年部分节假日安排的通知\n元旦1月1日放假\n一、元旦：1月1日放假。")
    assert refused.value.line == 2 and "Line 2" in str(refused.value)


def test_a_notice_for_another_year_is_refused():
    with pytest.raises(NoticeError):
        parse_notice(text(2025), 2026)


@pytest.mark.django_db
def test_the_command_imports_a_year_and_shows_it_one_line_per_date(tmp_path, capsys):
    path = tmp_path / "2027.txt"
    path.write_text(
        "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月5日（周五）至13日（周六）放假调休，共9天。2月14日（周日）上班。\n",
        encoding="utf-8",
    )
    call_command("holiday_schedule", "import", "2027", str(path), "--dry-run")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "2027-01-01 off 元旦" and printed[-1] == "2027-02-14 workday 春节"
    from core.models import HolidaySchedule

    assert not HolidaySchedule.objects.exists()
    call_command("holiday_schedule", "import", "2027", str(path))
    assert HolidaySchedule.objects.get(year=2027).dates.count() == 8
    call_command("holiday_schedule", "show", "2027")
    assert capsys.readouterr().out.splitlines() == printed * 2


@pytest.mark.django_db
def test_the_command_shows_a_year_of_the_package_sorted(capsys):
    call_command("holiday_schedule", "show", "2025")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2025-01-01 off") and "2025-01-26 workday" in [line[:18] for line in lines]
    assert lines == sorted(lines)


@pytest.mark.django_db
def test_the_command_names_the_line_it_cannot_read(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("一、元旦：1月1日（周四）放假。", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 1|第1行"):
        call_command("holiday_schedule", "import", "2025", str(path))
