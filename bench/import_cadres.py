"""Benchmark the cadre import: a generated 10,000-row XLSX, imported, re-imported, then updated, in rows/s.

    .venv/bin/python bench/import_cadres.py [--rows 10000]

Runs on a throw-away SQLite database in a temporary directory (never db.sqlite3); set BENCH_DATABASE_URL to
measure on another database, e.g. postgres://postgres@127.0.0.1:5432/bench_import (it must not hold data).
"""

import argparse
import io
import sys
import time

from throwaway import throwaway_django

TARGET_ROWS_PER_SECOND = 2_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--departments", type=int, default=200)
    args = parser.parse_args()

    with throwaway_django("bench-import-"):
        run(args.rows, args.departments)


def make_workbook(rows, department_codes, post="科员"):
    import openpyxl

    from directory.models import Rank

    ranks = ["科员", "副科级", "正科级", "副处级", Rank.DIVISION.value]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("干部名册")
    sheet.append(["姓名", "手机号", "部门编码", "职务", "职级", "是否党员"])
    for i in range(rows):
        sheet.append(
            [
                f"干部{i:05d}",
                f"199 {i // 10_000:04d} {i % 10_000:04d}",
                department_codes[i % len(department_codes)],
                post if i % 3 else "副主任",
                ranks[i % len(ranks)],
                "是" if i % 4 else "否",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed_import(data, label, rows):
    from directory import importing

    started = time.perf_counter()
    parsed = importing.parse_file(io.BytesIO(data), "bench.xlsx")
    parsed_at = time.perf_counter()
    plan = importing.plan_import(parsed)
    planned_at = time.perf_counter()
    counts = importing.apply_plan(plan)
    finished = time.perf_counter()
    total = finished - started
    print(
        f"{label:<10} {rows / total:>9,.0f} rows/s  {total:6.2f} s "
        f"(parse {parsed_at - started:.2f} s, plan {planned_at - parsed_at:.2f} s, apply {finished - planned_at:.2f} s)"
        f"  {counts}"
    )
    return rows / total, counts


def run(rows, department_count):
    from directory.models import Cadre, Department, DepartmentKind

    Department.objects.bulk_create(
        [
            Department(code=f"B{i:04d}", name=f"部门{i}", kind=DepartmentKind.BUREAU, path=f"/B{i:04d}/")
            for i in range(department_count)
        ]
    )
    codes = list(Department.objects.values_list("code", flat=True))
    data = make_workbook(rows, codes)
    print(f"workbook: {rows:,} rows, {len(data) / 1024 / 1024:.1f} MB, {len(codes)} departments")

    first_rate, first = timed_import(data, "import", rows)
    assert first["create"] == rows and not first["rejected"], first
    assert Cadre.objects.count() == rows

    second_rate, second = timed_import(data, "re-import", rows)
    assert second == {"create": 0, "update": 0, "unchanged": rows, "rejected": 0}, second

    # The HR office renames a post: two thirds of the rows change.
    third_rate, third = timed_import(make_workbook(rows, codes, post="一级科员"), "update", rows)
    assert third["update"] == rows - (rows + 2) // 3, third

    ok = min(first_rate, second_rate, third_rate) > TARGET_ROWS_PER_SECOND
    print(f"target > {TARGET_ROWS_PER_SECOND:,} rows/s: {'met' if ok else 'NOT MET'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
