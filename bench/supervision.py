"""Benchmark the supervision sweeper: 1,000,000 open clocks, 1,000 of them due; prints the sweep time.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_supervision .venv/bin/python bench/supervision.py

The target (under 1 s) is for PostgreSQL. Without BENCH_DATABASE_URL it runs on a throw-away SQLite database in a
temporary directory (never db.sqlite3). The clocks are written with one INSERT ... SELECT over a generated series,
spread over 50 departments; the sweep fires a rung on each due clock, chains each alert into the audit trail and
reschedules the clock, all in one transaction per batch of 1,000. SMS notifications go out in a separate task after
commit and are timed separately (notify) with the console gateway.
"""

import argparse
import sys
import time

from throwaway import throwaway_django

TARGET_SECONDS = 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--departments", type=int, default=50)
    args = parser.parse_args()
    with throwaway_django("bench-supervision-"):
        ok = run(args.open, args.due, args.departments)
    sys.exit(0 if ok else 1)


def run(open_count, due_count, department_count):
    import datetime

    from django.db import connection
    from django.utils import timezone

    from directory.models import Department, DepartmentKind
    from supervision import services
    from supervision.models import Alert, Clock

    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    departments = [
        Department.objects.create(code=f"B{i:03d}", name=f"测试局{i}", kind=DepartmentKind.BUREAU, parent=city).pk
        for i in range(department_count)
    ]
    now = timezone.now().replace(microsecond=0)
    table = Clock._meta.db_table
    first_dept, dept_n = min(departments), len(departments)
    started = time.perf_counter()
    # Due clocks: their warning fell due an hour ago. The rest: due in ~30 days, first check in ~25 days.
    future_due = now + datetime.timedelta(days=30)
    future_check = now + datetime.timedelta(days=25)
    past_due = now + datetime.timedelta(hours=1)
    past_check = now - datetime.timedelta(hours=1)
    start = now - datetime.timedelta(days=3)
    allowed_us = int(datetime.timedelta(days=5).total_seconds() * 1_000_000)
    if connection.vendor == "postgresql":
        series = "SELECT generate_series(1, %s) AS n"
        allowed = "make_interval(secs => %s / 1000000.0)"
        paused = "interval '0'"
    else:
        series = "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) SELECT n FROM s"
        allowed, paused = "%s", "0"
    sql = f"""
        INSERT INTO {table} (key, subject, label, policy, department_id, handler_id, state, level, started_at, due_at,
                             allowed, paused_at, paused_total, stopped_at, last_event_at, next_fire_at, created_at)
        SELECT 'approvals.step:' || g.n, 'approvals.application:' || g.n, '实质审查 · 基准测试', 'approvals.item:1',
               {first_dept} + (g.n %% {dept_n}), NULL, 'running', '', %s,
               CASE WHEN g.n <= %s THEN %s ELSE %s END, {allowed}, NULL, {paused}, NULL, %s,
               CASE WHEN g.n <= %s THEN %s ELSE %s END, %s
        FROM ({series}) AS g
    """
    params = [
        start,
        due_count,
        past_due,
        future_due,
        allowed_us,
        start,
        due_count,
        past_check,
        future_check,
        now,
        open_count,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
    print(
        f"inserted {Clock.objects.count():,} open clocks ({due_count:,} due) in {time.perf_counter() - started:.1f} s"
    )

    # The sweeper runs in a long-lived worker: load the holiday calendar (a one-off ~0.2 s import) before timing.
    from core import workdays

    workdays.add_working_days(now.date(), 1)
    started = time.perf_counter()
    fired = services.sweep(now=now)
    sweep_seconds = time.perf_counter() - started
    verdict = "OK" if sweep_seconds < TARGET_SECONDS else "SLOW"
    print(f"sweep: {fired:,} alerts fired in {sweep_seconds:.3f} s ({verdict}, target < {TARGET_SECONDS:.0f} s)")

    started = time.perf_counter()
    again = services.sweep(now=now)
    print(f"second sweep (nothing due): {again} alerts in {time.perf_counter() - started:.3f} s")
    assert Alert.objects.count() == fired == due_count, "each due clock fires exactly once"
    return sweep_seconds < TARGET_SECONDS or connection.vendor != "postgresql"


if __name__ == "__main__":
    main()
