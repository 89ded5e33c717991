"""The SQL path of a recomputation (``Recompute.shift``: one UPDATE joined to the run's working-day index) moves
every deadline exactly where the Python computation (``Recompute.move``) puts it, on SQLite and PostgreSQL."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import calendar, workdays
from core.holiday_notice import parse_notice
from core.models import CalendarRecompute
from supervision.models import Clock

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)
# Made up: 元旦 bridged to Monday 4 January with Saturday 9 January worked, and a longer Spring Festival.
NOTICE = (
    "国务院办公厅关于2027年部分节假日安排的通知\n"
    "一、元旦：1月1日（周五）至4日（周一）放假调休，共4天。1月9日（周六）上班。\n"
    "二、春节：2月5日（周五）至12日（周五）放假调休，共8天。2月20日（周六）上班。\n"
)


def _times(rng, n):
    """Random moments from today to April 2027, at awkward times of day too (local midnight, just before it)."""
    tz = timezone.get_current_timezone()
    found = []
    for _ in range(n):
        day = TODAY + datetime.timedelta(days=rng.randrange(0, 130))
        clock = rng.choice(
            [
                datetime.time(0, 0),
                datetime.time(23, 59, 59, 999999),
                datetime.time(7, 59, 59),
                datetime.time(8, 0),
                datetime.time(rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(1000000)),
            ]
        )
        found.append(datetime.datetime.combine(day, clock, tzinfo=tz))
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_update_moves_each_deadline_where_the_python_computation_does(seed):
    calendar.save_schedule(parse_notice(NOTICE), today=TODAY)
    run = CalendarRecompute.objects.get(year=2027)
    context = calendar.Recompute(run, TODAY)
    dues = _times(random.Random(seed), 300)
    Clock.objects.bulk_create(
        [Clock(key=f"k{n}", subject="s", due_at=due, last_event_at=due) for n, due in enumerate(dues)]
    )
    expected = {f"k{n}": context.move(due) or due for n, due in enumerate(dues)}
    moved = context.shift(Clock.objects.all(), "due_at", dues)
    got = dict(Clock.objects.values_list("key", "due_at"))
    assert got == expected
    assert moved == sum(1 for n, due in enumerate(dues) if expected[f"k{n}"] != due) > 50
    # Across the holidays: a deadline on the bridged Monday moves, one before the first flipped date never does.
    for key, due in zip(expected, dues, strict=True):
        new = got[key]
        assert new.timetz() == due.timetz() or timezone.localtime(new).time() == timezone.localtime(due).time()
        if timezone.localtime(due).date() < datetime.date(2027, 1, 1):
            assert new == due
        if new != due:
            assert workdays.is_working_day(timezone.localtime(new).date())


def test_the_sql_update_is_one_statement_whatever_the_number_of_rows_and_dates():
    calendar.save_schedule(parse_notice(NOTICE), today=TODAY)
    context = calendar.Recompute(CalendarRecompute.objects.get(year=2027), TODAY)
    dues = _times(random.Random(9), 500)
    Clock.objects.bulk_create([Clock(key=f"k{n}", subject="s", due_at=d, last_event_at=d) for n, d in enumerate(dues)])
    context.shifts(dues)  # the index, computed once per run
    with CaptureQueriesContext(connection) as queries:
        context.shift(Clock.objects.filter(key__startswith="k"), "due_at", dues)
    assert len(queries) == 1 and queries[0]["sql"].lstrip().upper().startswith("UPDATE")


def test_nothing_to_move_writes_nothing(django_assert_num_queries):
    calendar.save_schedule(parse_notice(NOTICE), today=TODAY)
    context = calendar.Recompute(CalendarRecompute.objects.get(year=2027), TODAY)
    before = [timezone.make_aware(datetime.datetime(2026, 12, 10, 10))]
    with django_assert_num_queries(0):
        assert context.shift(Clock.objects.all(), "due_at", before) == 0
