"""Benchmark the study app on PostgreSQL: 100,000 cadres and 5,000,000 ledger rows.

    .venv/bin/python bench/study.py [--cadres 100000] [--entries 5000000] [--runs 50] [--keep]

Creates a throw-away database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_study, dropped
and re-created), migrates it, writes the cadres in bulk and the ledger with one INSERT ... SELECT (the period totals
derived from it as crediting keeps them), assigns a study task to a unit of 2,000 members, then times in-process,
through Django's test client and the real views: `myPoints` and `myTasks` (GraphQL), the unit's completion page
(完成情况 of 2,000 members: its numbers and a page of them) and the department ranking
(`studyRanking` by week and by year). Prints p50/p95 and exits 1
when a target is missed: my points and my tasks p95 < 30 ms, completion < 200 ms, department ranking < 100 ms.
"""

import argparse
import datetime
import importlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_study")
TARGETS_MS = {"my points": 30, "my tasks": 30, "completion page (2,000 members)": 200, "department ranking": 100}
UNIT_SIZE = 2000


SETTINGS = """from config.settings.dev import *  # noqa: F403

# No collectstatic for a benchmark: the admin page renders with plain static URLs.
PLAIN = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STORAGES = {**STORAGES, "staticfiles": PLAIN}  # noqa: F405
"""


def setup_django():
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="bench-study-"))
    (folder / "bench_study_settings.py").write_text(SETTINGS)
    sys.path.insert(0, str(folder))
    os.environ["DATABASE_URL"] = URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_study_settings"
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    import django

    django.setup()


def recreate_database():
    name = URL.rsplit("/", 1)[1]
    base = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *base, "--if-exists", name], check=True)
    subprocess.run(["createdb", *base, name], check=True)


def load(cadres, entries):
    from django.core.management import call_command
    from django.db import connection

    from cms.services import ensure_home_page
    from directory.models import Cadre, Department, DepartmentKind

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    home = ensure_home_page()
    city = Department.objects.create(code="CITY", name="清河市", kind=DepartmentKind.CITY)
    units = [
        Department.objects.create(code=f"B{i:03d}", name=f"市第{i}局", kind=DepartmentKind.BUREAU, parent=city)
        for i in range(cadres // UNIT_SIZE)
    ]
    batch = []
    for i in range(cadres):
        batch.append(Cadre(name=f"干部{i}", phone=f"+86139{i:08d}", department=units[i % len(units)]))
        if len(batch) == 10000:
            Cadre.objects.bulk_create(batch)
            batch = []
    Cadre.objects.bulk_create(batch)
    print(f"  {cadres:,} cadres in {len(units)} units: {time.perf_counter() - started:.0f} s", flush=True)
    low = Cadre.objects.order_by("pk").values_list("pk", flat=True).first()
    sources = "ARRAY['reading','quiz','daily_quiz','sms_quiz','streak','video']"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO study_pointsentry (cadre_id, source, key, day, points, created_at)
            SELECT %s + (g %% %s), ({sources})[1 + (g %% 6)], 'bench:' || g,
                   current_date - ((g::bigint * 7919) %% 365)::int, 1 + (g %% 10), now()
            FROM generate_series(0, %s - 1) AS g""",
            [low, cadres, entries],
        )
        # The department totals once at the end, as migration 0009 fills them, not by the trigger per total row:
        # 5,700,000 row triggers updating the same few hundred rows took over 25 minutes.
        cursor.execute("ALTER TABLE study_pointstotal DISABLE TRIGGER study_points_total_changed")
        for prefix, pattern in (("w", "IYYY-IW"), ("m", "YYYY-MM"), ("y", "YYYY")):
            cursor.execute(
                f"""INSERT INTO study_pointstotal (cadre_id, period, points)
                SELECT cadre_id, '{prefix}' || to_char(day, '{pattern}'), sum(points)
                FROM study_pointsentry GROUP BY 1, 2"""
            )
        cursor.execute("ALTER TABLE study_pointstotal ENABLE TRIGGER study_points_total_changed")
        cursor.execute(importlib.import_module("study.migrations.0009_department_totals").FILL)
    vacuum()
    print(f"  {entries:,} ledger rows and their totals: {time.perf_counter() - started:.0f} s", flush=True)
    return home, units


def vacuum():
    """What autovacuum does after a bulk load: statistics, and the visibility map index-only scans rely on."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def make_task(home, unit, viewer):
    from django.utils import timezone

    from cms.models import ArticlePage
    from study import assignments
    from study.models import StudyTask

    pages = []
    for i in range(5):
        page = ArticlePage(title=f"学习材料{i}", slug=f"bench-study-{i}")
        home.add_child(instance=page)
        pages.append(page)
    tasks = []
    for n in range(5):
        task = StudyTask.objects.create(title=f"学习任务{n}", deadline=timezone.now() + datetime.timedelta(days=n + 3))
        task.pages.set(pages)
        task.departments.set([unit])
        assignments.assign_task(task)
        tasks.append(task)
    return tasks[0]


def timed(label, runs, call):
    call()  # warm the connection and caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]
    target = TARGETS_MS[label]
    ok = p95 < target
    print(f"{label:34s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   target < {target} ms   {'ok' if ok else 'MISSED'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database (skip the load)")
    args = parser.parse_args()
    if not args.keep:
        recreate_database()
    setup_django()
    import json

    from django.contrib.auth import get_user_model
    from django.test import Client

    from directory.models import Cadre, Department
    from study.admin_views import PER_PAGE
    from study.models import StudyTask

    if args.keep:
        from django.core.management import call_command
        from wagtail.models import Page

        call_command("migrate", verbosity=0)
        vacuum()

        unit = Department.objects.get(code="B000")
        task = StudyTask.objects.order_by("pk").first()
        home = Page.objects.get(depth=2)
    else:
        print(f"loading {args.cadres:,} cadres and {args.entries:,} ledger rows into {URL}", flush=True)
        home, units = load(args.cadres, args.entries)
        unit = units[0]
        task = None
    User = get_user_model()
    viewer = Cadre.objects.filter(department=unit).order_by("pk").first()
    if viewer.user_id is None:
        viewer.user = User.objects.create_user(f"bench-{viewer.pk}")
        viewer.save(update_fields=["user"])
    if task is None:
        task = make_task(home, unit, viewer)
    editor = User.objects.filter(username="bench-editor").first() or User.objects.create_superuser("bench-editor")

    cadre_client, editor_client = Client(), Client()
    cadre_client.force_login(viewer.user)
    editor_client.force_login(editor)

    def gql(query, variables=None):
        response = cadre_client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]

    members = task.members.count()
    print(f"the unit's task has {members:,} members; the viewer has {len(gql('{ myTasks { id } }')['myTasks'])} tasks")
    my_points = """{ myPoints { today week month year allTime sourcesToday { source points dailyCap }
      entries { sourceLabel day points } } }"""
    my_tasks = "{ myTasks { title deadline pageCount pagesDone bestScore completedAt isOverdue pages { title url } } }"
    ranking = """query($p: StudyRankingPeriod!) { studyRanking(period: $p, limit: 50) {
      departments { rank department perMember participants } } }"""

    def completion():
        # The whole unit in numbers (per department) and its first page of members; the XLSX has them all.
        response = editor_client.get(f"/admin/study/tasks/{task.pk}/completion/")
        html = response.content.decode()
        assert response.status_code == 200 and f"{members} " in html and html.count("<tr>") > PER_PAGE

    results = [
        timed("my points", args.runs, lambda: gql(my_points)),
        timed("my tasks", args.runs, lambda: gql(my_tasks)),
        timed("completion page (2,000 members)", max(10, args.runs // 5), completion),
    ]
    # The year's ranking reads the most totals (one per cadre with points): the worst case of the three periods.
    results.append(timed("department ranking", args.runs, lambda: gql(ranking, {"p": "YEAR"})))
    week = gql(ranking, {"p": "WEEK"})["studyRanking"]["departments"]
    print(f"  ({len(week)} departments ranked this week)")
    if not all(results):
        sys.exit(1)


if __name__ == "__main__":
    main()
