import datetime

import pytest

from core.workdays import add_working_days, is_working_day, public_holidays

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 28), True),  # a Sunday worked in exchange for the National Day week (调休)
        (D(2025, 10, 1), False),
        (D(2025, 10, 8), False),  # the Mid-Autumn Festival joins the National Day holiday in 2025
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, worked in exchange
        (D(2026, 2, 14), True),  # Saturday before the 2026 Spring Festival, worked in exchange
        (D(2026, 2, 16), False),  # 除夕
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 9, 20), True),  # Sunday, worked in exchange for National Day 2026
        (D(2026, 10, 5), False),
        (D(2026, 10, 10), True),
        (D(2026, 3, 7), False),  # an ordinary Saturday
        (D(2026, 3, 9), True),
    ],
)
def test_is_working_day_follows_the_state_council_calendar(day, working):
    assert is_working_day(day) is working


def test_add_working_days_skips_holidays_and_counts_make_up_days():
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Friday -> the make-up Sunday
    assert add_working_days(D(2026, 10, 1), -1) == D(2026, 9, 30)
    assert add_working_days(D(2026, 2, 15), -2) == D(2026, 2, 13)  # back over the make-up Saturday 14 Feb
    assert add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 13)
    assert add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 9)


def test_public_holidays_2025():
    periods = {(p.name, p.first_day, p.last_day) for p in public_holidays(2025)}
    assert periods == {
        ("元旦", D(2025, 1, 1), D(2025, 1, 1)),
        ("春节", D(2025, 1, 28), D(2025, 2, 4)),
        ("清明节", D(2025, 4, 4), D(2025, 4, 6)),
        ("劳动节", D(2025, 5, 1), D(2025, 5, 5)),
        ("端午节", D(2025, 5, 31), D(2025, 6, 2)),
        ("国庆节、中秋节", D(2025, 10, 1), D(2025, 10, 8)),
    }


def test_public_holidays_2026():
    periods = [(p.name, p.first_day, p.last_day) for p in public_holidays(2026)]
    assert periods == [
        ("元旦", D(2026, 1, 1), D(2026, 1, 3)),
        ("春节", D(2026, 2, 15), D(2026, 2, 23)),
        ("清明节", D(2026, 4, 4), D(2026, 4, 6)),
        ("劳动节", D(2026, 5, 1), D(2026, 5, 5)),
        ("端午节", D(2026, 6, 19), D(2026, 6, 21)),
        ("中秋节", D(2026, 9, 25), D(2026, 9, 27)),
        ("国庆节", D(2026, 10, 1), D(2026, 10, 7)),
    ]


def test_a_new_year_period_may_start_in_the_year_before():
    assert public_holidays(2023)[0].first_day == D(2022, 12, 31)


def test_counting_into_an_unknown_year_is_provisional_never_refused_and_alerts_once(caplog):
    from core import workdays

    workdays._alerted_years.discard(2099)
    with caplog.at_level("WARNING", logger="core.workdays"):
        assert add_working_days(D(2099, 3, 2), 3) == D(2099, 3, 5)
        assert is_working_day(D(2099, 3, 3))
        assert workdays.working_days_between(D(2098, 12, 1), D(2099, 1, 5)) > 0
    assert workdays.is_provisional(D(2099, 3, 5))
    assert workdays.source_of(2099) == workdays.PROVISIONAL
    assert [r.levelname for r in caplog.records if "2099" in r.getMessage()] == ["WARNING"]


def test_counting_from_a_known_year_into_an_unknown_one_is_provisional():
    from core import workdays

    last_known = max(workdays.package_years())
    due = add_working_days(D(last_known, 12, 28), 10)
    assert due.year == last_known + 1 and workdays.is_provisional(due)
    assert not workdays.is_provisional(add_working_days(D(last_known, 12, 1), 3))


def test_working_days_between_skips_the_national_day_week():
    from core.workdays import working_days_between

    # 30 Sep 2026 to 10 Oct: 8, 9 October and the make-up Saturday 10 October.
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3


def test_counting_back_from_new_year_of_an_unknown_year_stays_in_the_known_one():
    assert add_working_days(D(2027, 1, 1), -1) == D(2026, 12, 31)
