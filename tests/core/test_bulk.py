"""core.bulk's writes: the COPY path (PostgreSQL, from COPY_FROM rows) and its fallback (bulk_create, VALUES) give
the same rows; shift_by_day filters a table's own rows in place and a related filter by subquery."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import bulk
from sms.models import Notice
from supervision.models import Clock

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
# 1: every write of more than one row takes the COPY path on PostgreSQL; huge: the fallback everywhere.
FIELDS = ["key", "phone", "cadre_id", "body", "template_id", "template_params", "status", "error", "next_attempt_at"]
PATHS = [pytest.param(1, id="copy"), pytest.param(10**9, id="fallback")]


def _notices(n, start=0):
    at = timezone.make_aware(datetime.datetime(2027, 1, 8, 10, 0))
    return [
        (
            f"k{i}",
            "+8613900000000" if i % 2 else "13912345678",  # normalised to E.164 either way
            None,
            f"正文\t第{i}条\n（含制表符与换行）",
            None,
            {"number": f"QF{i:04d}", "due": "2027-01-08 10:00"},
            Notice.Status.PENDING if i % 3 else Notice.Status.FAILED,
            "" if i % 3 else "recipient: invalid",
            at if i % 3 else None,
        )
        for i in range(start, start + n)
    ]


@pytest.mark.parametrize("copy_from", PATHS)
def test_insert_rows_writes_what_bulk_create_would(monkeypatch, copy_from):
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        back = bulk.insert_rows(Notice, FIELDS, _notices(5), returning=("pk", "status"))
    copied = any("CREATE TEMPORARY TABLE" in q["sql"] for q in queries)
    assert copied == (POSTGRES and copy_from == 1)
    rows = {n.key: n for n in Notice.objects.all()}
    assert sorted(back) == sorted((n.pk, n.status) for n in rows.values())
    for key, phone, _cadre, body, _template, params, status, error, next_attempt in _notices(5):
        row = rows[key]
        assert row.phone.as_e164 == ("+86" + phone[-11:])
        assert (row.body, row.template_params, row.status, row.error, row.next_attempt_at) == (
            body,
            params,
            status,
            error,
            next_attempt,
        )
        # The fields left out take their defaults, auto_now_add its time.
        assert (row.attempts, row.uncertain, row.message_id, row.phone_digest) == (0, False, None, "")
        assert row.created_at >= before


@pytest.mark.parametrize("copy_from", PATHS)
def test_insert_rows_skips_conflicts_when_asked(monkeypatch, copy_from):
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)
    bulk.insert_rows(Notice, FIELDS, _notices(2))
    first = Notice.objects.get(key="k1")
    back = bulk.insert_rows(Notice, FIELDS, _notices(4), ignore_conflicts=True, returning=("pk", "status"))
    assert Notice.objects.count() == 4
    assert Notice.objects.get(key="k1").body == first.body
    if back is not None:  # the COPY path says which rows it inserted; bulk_create cannot, with conflicts skipped
        assert POSTGRES and copy_from == 1
        assert sorted(pk for pk, _status in back) == sorted(
            Notice.objects.filter(key__in=["k2", "k3"]).values_list("pk", flat=True)
        )


def test_insert_rows_of_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert_rows(Notice, ["key"], []) == []


@pytest.mark.parametrize("copy_from", PATHS)
def test_update_rows_writes_the_same_values_by_either_path(monkeypatch, copy_from):
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)
    at = timezone.make_aware(datetime.datetime(2027, 1, 8, 10, 0))
    Clock.objects.bulk_create([Clock(key=f"c{i}", subject="s", due_at=at, last_event_at=at) for i in range(6)])
    clocks = list(Clock.objects.order_by("pk"))
    for i, clock in enumerate(clocks):
        clock.due_at = at + datetime.timedelta(days=i)
        clock.next_fire_at = None if i % 2 else at + datetime.timedelta(hours=i)
        clock.paused_total = datetime.timedelta(minutes=i)
        clock.label = f"环节\t{i}"
    with CaptureQueriesContext(connection) as queries:
        written = bulk.update_rows(Clock, clocks[:5], ["due_at", "next_fire_at", "paused_total", "label"])
    assert written == 5 or not POSTGRES  # SQLite does not count the rows of an UPDATE that starts with WITH
    assert any("CREATE TEMPORARY TABLE" in q["sql"] for q in queries) == (POSTGRES and copy_from == 1)
    got = {c.key: c for c in Clock.objects.all()}
    for clock in clocks[:5]:
        row = got[clock.key]
        assert (row.due_at, row.next_fire_at, row.paused_total, row.label) == (
            clock.due_at,
            clock.next_fire_at,
            clock.paused_total,
            clock.label,
        )
    assert got["c5"].due_at == at and got["c5"].label == ""  # not in the batch: untouched


def test_shift_by_day_filters_its_own_rows_in_place_and_related_rows_by_subquery():
    from directory.models import Department, DepartmentKind

    tz = timezone.get_current_timezone()
    day = datetime.date(2027, 1, 4)
    due = datetime.datetime.combine(day, datetime.time(10), tzinfo=tz)
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    Clock.objects.bulk_create(
        [
            Clock(key=f"c{i}", subject="s", due_at=due, last_event_at=due, department=city if i < 2 else None)
            for i in range(4)
        ]
    )
    pks = list(Clock.objects.order_by("pk").values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        assert bulk.shift_by_day(Clock.objects.filter(pk__in=pks[2:]), "due_at", {day: 1}) == 2
    assert " IN (SELECT" not in queries[0]["sql"].upper()
    with CaptureQueriesContext(connection) as queries:
        assert bulk.shift_by_day(Clock.objects.filter(department__code="QH"), "due_at", {day: 2}) == 2
    assert "SELECT" in queries[0]["sql"].upper().split("WHERE", 1)[1]
    moved = dict(Clock.objects.values_list("key", "due_at"))
    assert moved == {
        "c0": due + datetime.timedelta(days=2),
        "c1": due + datetime.timedelta(days=2),
        "c2": due + datetime.timedelta(days=1),
        "c3": due + datetime.timedelta(days=1),
    }
    with CaptureQueriesContext(connection) as queries:
        assert bulk.shift_by_day(Clock.objects.filter(pk__in=[]), "due_at", {day: 1}) == 0
    assert len(queries) == 0
