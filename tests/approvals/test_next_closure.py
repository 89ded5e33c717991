"""The centres' "next closure" line says a holiday of a year without an official schedule, marked 暂定."""

from datetime import date as D

import pytest
from django.template.loader import render_to_string

from approvals import selectors
from approvals.selectors import HandlingPlaces, Place

pytestmark = pytest.mark.django_db


def _line(today):
    holiday = selectors.next_public_holiday(today)
    places = HandlingPlaces(city=[Place(name="市政务服务中心")], groups=[], next_holiday=holiday)
    return holiday, render_to_string("approvals/_places.html", {"places": places})


def test_a_closure_in_a_year_without_an_official_schedule_is_said_provisionally():
    holiday, html = _line(D(2026, 12, 3))  # the package carries no 2027; the office has not entered it
    assert holiday.first_day == D(2027, 1, 1) and holiday.provisional
    assert "元旦" in html and 'class="provisional"' in html and "暂定" in html


def test_a_closure_in_an_official_year_is_not_marked():
    holiday, html = _line(D(2026, 9, 1))  # 2026 is in the package: its next holiday is official
    assert holiday.first_day.year == 2026 and not holiday.provisional
    assert holiday.name in html and 'class="provisional"' not in html
