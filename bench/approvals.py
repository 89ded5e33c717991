"""Online approval at scale: 200,000 applications; p95 of a public tracking lookup and of a department's work queue.

    .venv/bin/python -m bench.approvals [--applications 200000] [--samples 400] [--keep]

A throw-away database (bench/throwaway.py: SQLite, or BENCH_DATABASE_URL). The rows are bulk-created, not made
through the services (that would take hours and is not what is measured): 10 departments, 40 items, 200,000
applications in the states a year of work leaves, their steps (a fifth still open) and 4 events each.

Measured in process, as the views run them (no HTTP):
- tracking lookup: ``services.find_for_tracking`` (HMAC check of the query code) + ``tracking.tracking_for``
  (status, open steps, history), for random applications with their right code. Target: p95 < 20 ms.
- work queue: the first page (50) of one department's open steps, soonest due first, plus its count, as the
  admin queue shows it. Target: p95 < 50 ms.
- public performance (阳光政务): the page ``/approvals/performance/`` rendered by its view (12 months, the city
  and every department, two SVG charts) and its open data ``performance.json`` and ``performance.csv``, read from
  the precomputed monthly figures. Target: p95 < 100 ms each. The recomputation of twelve months from the
  200,000 applications and their ratings (what the hourly schedule does for two) is timed once and printed.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throwaway import throwaway_django  # noqa: E402

BATCH = 5_000


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def build(count, rng):
    from django.utils import timezone

    from approvals.models import (
        Application,
        ApplicationEvent,
        ApplicationStep,
        ApprovalItem,
        ItemStep,
        Rating,
        State,
        StepKind,
        StepState,
    )
    from approvals.services import hash_code
    from directory.models import Department, DepartmentKind

    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    centre = Department.objects.create(
        code="QH-ZWFW", name="市政务服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=city
    )
    departments = [
        Department.objects.create(code=f"QH-B{n:02d}", name=f"市第{n}局", kind=DepartmentKind.BUREAU, parent=city)
        for n in range(10)
    ]
    items = []
    for n in range(40):
        department = departments[n % 10]
        item = ApprovalItem.objects.create(
            code=f"QH-{n:03d}",
            name=f"审批事项{n}",
            department=department,
            theme="business",
            legal_basis="法",
            conditions="条件",
            statutory_days=20,
            promised_days=10,
        )
        ItemStep.objects.create(item=item, order=1, name="审查", working_days=3).departments.add(department)
        items.append(item)
    code_hash = hash_code("BENCH123")  # one code for all: the HMAC is computed per lookup either way
    now = timezone.now().replace(microsecond=0)
    states = [State.COMPLETED] * 14 + [State.IN_REVIEW] * 4 + [State.SUBMITTED, State.NOT_ACCEPTED]
    started = time.perf_counter()
    numbers = []
    for offset in range(0, count, BATCH):
        apps = []
        for n in range(offset, min(count, offset + BATCH)):
            submitted = now - datetime.timedelta(minutes=rng.randrange(60 * 24 * 365))
            number = f"QF{submitted:%Y%m%d}{n:08d}"
            numbers.append(number)
            apps.append(
                Application(
                    tracking_number=number,
                    code_hash=code_hash,
                    item=items[n % 40],
                    service_centre=centre,
                    state=rng.choice(states),
                    applicant_kind="person",
                    applicant_name="申请人",
                    applicant_phone="+8613900000000",
                    submitted_at=submitted,
                    accepted_at=submitted,
                    due_at=submitted + datetime.timedelta(days=14),
                    completed_at=min(now, submitted + datetime.timedelta(days=rng.randrange(2, 20))),
                )
            )
            if apps[-1].state != State.COMPLETED:
                apps[-1].completed_at = None
        apps = Application.objects.bulk_create(apps, batch_size=1000)
        if apps[0].pk is None:  # SQLite before RETURNING support
            pks = dict(
                Application.objects.filter(tracking_number__in=[a.tracking_number for a in apps]).values_list(
                    "tracking_number", "pk"
                )
            )
            for app in apps:
                app.pk = pks[app.tracking_number]
        steps, events = [], []
        for app in apps:
            open_ = app.state in (State.IN_REVIEW, State.SUBMITTED)
            steps.append(
                ApplicationStep(
                    application=app,
                    kind=StepKind.REVIEW,
                    order=1,
                    name="审查",
                    department=app.item.department,
                    state=StepState.ACTIVE if open_ else StepState.APPROVED,
                    started_at=app.submitted_at,
                    due_at=app.submitted_at + datetime.timedelta(days=rng.randrange(1, 10)),
                )
            )
        steps = ApplicationStep.objects.bulk_create(steps, batch_size=1000)
        for app in apps:
            for k, kind in enumerate(
                ("application.submitted", "application.accepted", "step.started", "step.approved")
            ):
                events.append(
                    ApplicationEvent(
                        application=app,
                        kind=kind,
                        occurred_at=app.submitted_at + datetime.timedelta(hours=k),
                        department=app.item.department,
                        from_state="submitted",
                        to_state="in_review",
                        payload={"item": f"approvals.item:{app.item_id}", "reference": app.tracking_number},
                    )
                )
        ApplicationEvent.objects.bulk_create(events, batch_size=2000)
        stars = [5, 5, 5, 4, 4, 3, 2, 1]
        ratings = [
            Rating(
                application=app,
                department=app.item.department,
                stars=(n := rng.choice(stars)),
                is_bad=n <= 2,
                reasons=["slow"] if n <= 2 else ["fast"],
                created_at=app.completed_at,
            )
            for app in apps
            if app.state == State.COMPLETED and app.pk % 3 == 0
        ]
        Rating.objects.bulk_create(ratings, batch_size=2000)
        print(f"\r  {offset + len(apps):>7,} applications", end="", flush=True)
    print(f" in {time.perf_counter() - started:.0f} s")
    return numbers, departments


def loaded():
    """The tracking numbers and departments of a database an earlier run built (``--keep``)."""
    from approvals.models import Application
    from directory.models import Department, DepartmentKind

    numbers = list(Application.objects.values_list("tracking_number", flat=True))
    return numbers, list(Department.objects.filter(kind=DepartmentKind.BUREAU))


def measure(fn, samples):
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument(
        "--keep", action="store_true", help="reuse BENCH_DATABASE_URL's applications when it already holds as many"
    )
    args = parser.parse_args()
    rng = random.Random(7)
    with throwaway_django("bench-approvals-"):
        from django.contrib.auth.models import AnonymousUser
        from django.db import connection, reset_queries
        from django.test import RequestFactory

        from approvals import performance, services, views
        from approvals.admin_views import department_queue
        from approvals.models import Application
        from approvals.tracking import tracking_for

        if args.keep and Application.objects.count() == args.applications:
            numbers, departments = loaded()
        else:
            numbers, departments = build(args.applications, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"{Application.objects.count():,} applications in the database")
        started = time.perf_counter()
        written = performance.refresh(performance.recent_months())
        print(f"performance figures of 12 months recomputed in {time.perf_counter() - started:.2f} s ({written} rows)")
        requests = RequestFactory()

        def public(view, path):
            def run():
                request = requests.get(path)
                request.user, request.session = AnonymousUser(), {}
                response = view(request)
                assert response.status_code == 200 and len(response.content) > 1000

            return run

        def lookup():
            found = services.find_for_tracking(rng.choice(numbers), "BENCH123", "203.0.113.9")
            view = tracking_for(found)
            assert view.history

        def queue():
            department = rng.choice(departments)
            rows = department_queue(department)
            page = list(rows[:50])
            total = rows.count()
            assert page and total

        results = {}
        for label, fn, target in (
            ("tracking lookup", lookup, 20),
            ("department work queue", queue, 50),
            ("performance page", public(views.performance_page, "/approvals/performance/"), 100),
            ("performance.json", public(views.performance_json, "/approvals/performance.json"), 100),
            ("performance.csv", public(views.performance_csv, "/approvals/performance.csv"), 100),
        ):
            measure(fn, 20)  # warm up
            reset_queries()
            timings = measure(fn, args.samples)
            results[label] = (percentile(timings, 0.95), statistics.median(timings), target)
        print(f"{'':<24}{'median ms':>10}{'p95 ms':>10}{'target':>9}")
        failed = False
        for label, (p95, median, target) in results.items():
            ok = p95 < target
            failed = failed or not ok
            print(f"{label:<24}{median:>10.2f}{p95:>10.2f}{'<' + str(target):>9}  {'ok' if ok else 'SLOW'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
