"""Mixed load on the whole stack: gunicorn + PostgreSQL + Redis + two django-q2 clusters + the fake Twilio server,
driven by Locust (bench/load/locustfile.py) on loopback, for 1 and for 2 web processes side by side.

    .venv/bin/python bench/load/run.py [--users 50] [--duration 300] [--web 1 2] [--threads 4]

Makes a throw-away PostgreSQL database (bench_load_<pid>, dropped at the end), migrates it and loads the demo, then
adds what the load needs: logged-in cadres, a practice quiz, department handlers with passwords, applications
waiting for them (and their tracking numbers and codes) and, for each web-process count, an SMS campaign to every
cadre that the workers send while the load runs. Redis database 7 (flushed at the start) is the cache and broker.

The load comes from one address and a few logins: the per-address and per-user rate limits are raised in the
benchmark's own settings module (LIMITS below), never in the project's settings. The client speaks plain HTTP to
gunicorn and says X-Forwarded-Proto: https, as the TLS-terminating proxy of production does.

Prints p50/p95/p99, count and errors per request type and the requests/s of each run; afterwards checks that every
complaint and application the load was told it submitted exists exactly once, and that the campaign's and the
notices' SMS reached the fake Twilio server exactly once each. Exits 1 on any error or failed check.
"""

import argparse
import contextlib
import csv
import io
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path[:0] = [str(ROOT)]

from bench import api, pages, quizzes, sms_common  # noqa: E402

HERE = Path(__file__).resolve().parent
REDIS_URL = "redis://127.0.0.1:6379/7"
LIMITS = """
# One client address and a few logins make all the load: the per-address and per-user limits would refuse it.
COMPLAINTS_SUBMISSIONS_PER_HOUR = 10**9
COMPLAINTS_ATTEMPTS_PER_HOUR = 10**9
COMPLAINTS_LOOKUPS_PER_HOUR = 10**9
APPROVALS_APPLICATIONS_PER_HOUR = 10**9
GRAPHQL_MUTATIONS_PER_MINUTE_USER = 10**9
GRAPHQL_MUTATIONS_PER_MINUTE_IP = 10**9
QUIZ_PLAY_MUTATIONS_PER_MINUTE = 10**9
"""
SETTINGS_MODULE = pages.SETTINGS_MODULE + LIMITS
SEARCH_TERMS = ["廉政", "八项规定", "警示", "纪律", "审批", "作风", "清河", "腐败"]
COMPLAINT_TEXTS = ["窗口工作人员暗示要请吃饭才给加快办理施工许可。", "审批拖了三个月没有任何答复，多次询问无人理睬。"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Cadres with a login and a session, shared by the reading and quiz-playing users.
LOGGED_IN_CADRES = 200
EXTRA_CADRES = 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load per run")
    parser.add_argument("--web", type=int, nargs="+", default=[1, 2], help="gunicorn worker processes, one run each")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    args = parser.parse_args()

    results, ok = [], True
    with Stack() as stack:
        for web in args.web:
            phase = stack.run_phase(web, args.threads, args.users, args.duration)
            results.append(phase)
            ok = ok and phase["ok"]
    print_table(results, args)
    sys.exit(0 if ok else 1)


class Stack:
    """The database, the fake Twilio server and the prepared data; gunicorn and the clusters per phase."""

    def __enter__(self):
        self._exit = contextlib.ExitStack()
        self.workdir = Path(self._exit.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        self.fake = self._exit.enter_context(sms_common.FakeTwilioProcess())
        self.db = self._exit.enter_context(
            sms_common.BenchDatabase(os.environ.get("BENCH_DATABASE_URL"), f"bench_load_{os.getpid()}")
        )
        settings_module = SETTINGS_MODULE.format(static_root=str(self.workdir / "static"))
        (self.workdir / "bench_settings.py").write_text(settings_module)
        self.env = sms_common.environment(
            self.db.url,
            self.fake,
            DJANGO_SETTINGS_MODULE="bench_settings",
            REDIS_URL=REDIS_URL,
            MEDIA_ROOT=self.workdir / "media",
            COMPLAINTS_PRIVATE_ROOT=self.workdir / "private",
            SECRET_KEY=secrets.token_urlsafe(50),
            COMPLAINTS_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
            ALLOWED_HOSTS="127.0.0.1",
            # The production settings redirect plain HTTP; the client says X-Forwarded-Proto: https instead.
            SECURE_SSL_REDIRECT="true",
            PYTHONPATH=os.pathsep.join([str(self.workdir), str(ROOT)]),
            # gunicorn closes an idle keep-alive connection after 2 s by default, racing clients that pause for 1-3 s
            # between requests (a reset, not an answer); behind the production proxy the proxy holds the client side.
            GUNICORN_CMD_ARGS="--keep-alive=30",
        )
        sys.path[:0] = [str(self.workdir)]
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        print(f"database: PostgreSQL {self.db.name}; redis {REDIS_URL} (flushed); fake Twilio at {self.fake.url}")
        started = time.perf_counter()
        self.urls = pages.prepare()
        self.data = prepare_common(self.workdir, self.urls)
        print(f"extra data in {time.perf_counter() - started:.0f} s from the start of preparing")
        return self

    def __exit__(self, *exc):
        self._exit.close()

    def start_web(self, web, threads):
        pages.WORKERS, pages.THREADS = web, threads
        return pages.start_server(self.workdir, self.env)

    def start_cluster(self, name):
        log = (self.workdir / f"qcluster-{name}.log").open("ab")
        return subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env={**self.env, "Q_WORKERS": "1"},
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group: the cluster's children go with it
        )

    def run_phase(self, web, threads, users, duration, on_running=None, record=False, settle=None):
        """One load run against `web` gunicorn processes; returns its stats and checks."""
        self.fake.reset()
        self.fake.configure(callbacks=False)  # no public URL takes status callbacks here
        print(f"\n=== {web} web process(es) x {threads} threads, {users} users, {duration} s ===")
        phase = prepare_phase(self.data, users, duration)
        # The campaign's rate spreads it over most of the run, so that it competes with the load throughout.
        self.env["SMS_RATE"] = f"{max(5.0, phase['recipients'] / (0.8 * duration)):.1f}"
        clusters = [self.start_cluster(f"{web}-{n}") for n in (1, 2)]
        server = self.start_web(web, threads)
        prefix = self.workdir / f"locust-{web}"
        submissions = self.workdir / f"submitted-{web}.jsonl"
        responses = self.workdir / f"responses-{web}.jsonl"
        data_path = self.workdir / f"data-{web}.json"
        data_path.write_text(json.dumps({**self.data, **phase["locust"], "port": server.port}))
        env = {
            **self.env,
            "BENCH_LOAD_DATA": str(data_path),
            "BENCH_LOAD_SUBMITTED": str(submissions),
            **({"BENCH_LOAD_RESPONSES": str(responses)} if record else {}),
        }
        command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless"]
        command += [f"--users={users}", f"--spawn-rate={max(1, users // 5)}", f"--run-time={duration}s"]
        command += [f"--host=http://127.0.0.1:{server.port}", f"--csv={prefix}", "--only-summary"]
        command += ["--loglevel=WARNING", "--stop-timeout=10"]
        started = time.time()
        locust = subprocess.Popen(command, cwd=ROOT, env=env)
        state = {"clusters": clusters, "server": server, "started": started, "stack": self}
        try:
            if on_running:
                on_running(state)
            locust.wait(timeout=duration + 120)
        finally:
            if locust.poll() is None:
                locust.terminate()
                locust.wait(30)
        state["server"].stop()
        print("load finished; waiting for the campaign and the notices to be sent ...")
        settled = wait_for_sms(phase["run"], timeout=settle or max(180, duration))
        checks = verify(phase, submissions, self.fake.stats(), settled)
        for cluster in state["clusters"]:
            stop_cluster(cluster)
        stats = read_stats(prefix)
        errors = sum(row["failures"] for row in stats.values())
        gunicorn_log = (self.workdir / "gunicorn.log").read_text(errors="replace")
        tracebacks = gunicorn_log.count("Traceback")
        if tracebacks:
            print(f"gunicorn.log holds {tracebacks} traceback(s); the last:\n{gunicorn_log[-3000:]}")
        for name, passed, detail in checks:
            print(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}")
        ok = errors == 0 and all(passed for _name, passed, _detail in checks) and bool(stats)
        return {
            "web": web,
            "threads": threads,
            "stats": stats,
            "checks": checks,
            "ok": ok,
            "responses": responses,
            "submissions": submissions,
            "state": state,
            "phase": phase,
        }


def stop_cluster(process, timeout=30):
    """SIGTERM to the cluster's process group (django-q2 finishes its tasks), SIGKILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # stray children of a cluster whose parent was killed


# Data


def prepare_common(workdir, urls):
    """What every run shares: logged-in cadres, a practice quiz, handler logins, the pages to read."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from approvals.models import ApprovalItem
    from cms.models import SectionPage, WarningCasePage
    from directory.models import Cadre, Department
    from directory.roles import role_group
    from directory.services import user_for_cadre
    from quizzes.models import QuizMode, QuizPage

    call_command("setup_schedules", verbosity=0, stdout=io.StringIO())
    departments = list(Department.objects.filter(is_active=True).values_list("pk", flat=True))
    Cadre.objects.bulk_create(
        [
            Cadre(name=f"压测干部{i}", phone=f"+86177{i:08d}", department_id=departments[i % len(departments)])
            for i in range(EXTRA_CADRES)
        ],
        batch_size=1000,
    )
    home = QuizPage.objects.first().get_parent()
    quiz = QuizPage(title="压测练习", slug="bench-load-practice", mode=QuizMode.PRACTICE, question_count=20)
    home.add_child(instance=quiz)
    quiz.save_revision().publish()
    sessions = []
    for cadre in Cadre.objects.filter(user__isnull=True).order_by("-pk")[:LOGGED_IN_CADRES]:
        with transaction.atomic():
            user = user_for_cadre(cadre)
        headers = quizzes.session_for(user)
        sessions.append({"cookie": headers["Cookie"], "csrf": headers["X-CSRFToken"]})

    # Items handled at the city centre, one per department: the department's handler gets a password to log in.
    items, seen = [], set()
    for item in ApprovalItem.objects.filter(is_published=True, at_city_centre=True).order_by("code"):
        first = item.steps.order_by("order").first()
        departments_of_step = list(first.departments.values_list("pk", flat=True)) if first else []
        if len(departments_of_step) == 1 and departments_of_step[0] not in seen:
            seen.add(departments_of_step[0])
            items.append(item.code)
        if len(items) == 3:
            break
    User = get_user_model()
    staff = []
    for pk in sorted(seen):
        department = Department.objects.get(pk=pk)
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(f"load-{department.code.lower()}", password=password, first_name="压测承办人")
        user.groups.add(role_group("department_handler"))
        cadre = Cadre.objects.create(name="压测承办人", phone=f"+86176{pk:08d}", department=department, user=user)
        staff.append({"username": user.username, "password": password, "department": str(pk), "cadre": cadre.pk})
    apply_item = ApprovalItem.objects.get(code=items[0])
    data = {
        "urls": {
            "home": urls["home"],
            "sections": [page.url for page in SectionPage.objects.live()],
            "cases": [page.url for page in WarningCasePage.objects.live().order_by("-pk")[:20]],
        },
        "search_terms": SEARCH_TERMS,
        "feed_query": " ".join(api.HOME.split()),
        "sessions": sessions,
        "quiz": str(quiz.pk),
        "staff": staff,
        "items": items,
        "apply": {
            "code": apply_item.code,
            "materials": [str(m.pk) for m in apply_item.materials.all()],
            "centre": str(city_centre().pk),
        },
        "complaint": {
            "department": str(Department.objects.get(code="QH-SJJ").pk),
            "texts": COMPLAINT_TEXTS,
        },
    }
    connection.close()
    return data


def city_centre():
    from directory.models import Department, DepartmentKind

    return Department.objects.get(kind=DepartmentKind.SERVICE_CENTRE, parent__kind=DepartmentKind.CITY)


def prepare_phase(data, users, duration):
    """Per run: applications accepted and waiting for the handlers, tracking codes, a campaign sending meanwhile."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.db.models import Max
    from django_q.tasks import async_task

    from approvals import services
    from approvals.models import Application, ApplicationStep, ApprovalItem, StepKind, StepState
    from complaints.models import Complaint
    from sms import dispatch, scheduling
    from sms.models import Message

    snapshot = {
        "message": Message.objects.aggregate(m=Max("pk"))["m"] or 0,
        "complaint": Complaint.objects.aggregate(m=Max("pk"))["m"] or 0,
        "application": Application.objects.aggregate(m=Max("pk"))["m"] or 0,
        "step": ApplicationStep.objects.aggregate(m=Max("pk"))["m"] or 0,
    }
    centre = city_centre()
    window = get_user_model().objects.get(username="window")
    # Enough open steps that the handlers never run dry (a handler decides one about every 4 s).
    count = max(30, duration * 2)
    tracking, created = [], []
    started = time.perf_counter()
    for n in range(count):
        item = ApprovalItem.objects.get(code=data["items"][n % len(data["items"])])
        files = [(m, SimpleUploadedFile(f"m{m.pk}.pdf", PDF, "application/pdf")) for m in item.materials.all()]
        submission = services.submit_application(
            item,
            service_centre=centre,
            applicant_kind="person",
            applicant_name=f"压测申请人{n}",
            applicant_phone=f"+86178{(snapshot['application'] + n) % 10**8:08d}",
            files=files,
        )
        services.accept_application(submission.application, by=window)
        tracking.append([submission.application.tracking_number, submission.code])
        created.append(submission.application.pk)
    work = {}
    steps = ApplicationStep.objects.filter(application__in=created, state=StepState.ACTIVE, kind=StepKind.REVIEW)
    for step in steps.order_by("pk"):
        work.setdefault(str(step.department_id), []).append([step.application_id, step.pk])
    print(f"{count} applications submitted and accepted for the handlers in {time.perf_counter() - started:.0f} s")

    campaign = sms_common.approved_campaign()
    run = dispatch.start_run(campaign, scheduling.one_off_occurrence(campaign))
    # Spread the campaign over the load run (SMS_RATE is read by the workers at each dispatch).
    cache.add(scheduling.dispatch_key(run.pk), 1, timeout=300)
    async_task("sms.tasks.dispatch_run", run.pk, task_name=f"sms.dispatch_run.{run.pk}")
    print(f"campaign run {run.pk}: {run.recipients} recipients, {run.skipped} skipped")
    connection.close()
    return {
        "run": run.pk,
        "recipients": run.recipients,
        "snapshot": snapshot,
        "work_steps": [pk for rows in work.values() for _app, pk in rows],
        "locust": {"tracking": tracking, "work": work},
    }


def wait_for_sms(run_id, timeout):
    """Until the run is done and no notice is pending or sending; returns whether that happened in time."""
    from django.db import connection

    from sms.models import CampaignRun, Notice

    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            run = CampaignRun.objects.get(pk=run_id)
            busy = Notice.objects.filter(status__in=[Notice.Status.PENDING, Notice.Status.SENDING]).count()
            if run.status == CampaignRun.Status.DONE and not busy:
                return True
            time.sleep(2)
        return False
    finally:
        connection.close()


def verify(phase, submissions_path, fake_stats, settled, lost_ok=()):
    """(check, passed, detail) for the submissions the load was told succeeded and the SMS the workers sent."""
    from django.db import connection
    from django.db.models import Count

    from approvals.models import Application, ApplicationStep, StepState
    from complaints.models import Complaint
    from sms.models import CampaignRun, Delivery, Direction, Message, Notice

    submitted = {"complaint": [], "application": [], "decided": []}
    if submissions_path.exists():
        for line in submissions_path.read_text().splitlines():
            row = json.loads(line)
            submitted[row["kind"]].append(row["id"])
    snap = phase["snapshot"]
    checks = []

    def exactly_once(label, model, field, ids, since):
        found = dict(
            model.objects.filter(**{f"{field}__in": ids}).values_list(field).annotate(n=Count("pk")).order_by()
        )
        missing = [i for i in ids if i not in found]
        doubled = {i: n for i, n in found.items() if n > 1}
        repeated = len(ids) - len(set(ids))
        new_rows = model.objects.filter(pk__gt=since).count()
        detail = (
            f"{len(ids)} told submitted, {len(missing)} missing, {len(doubled)} stored twice, "
            f"{repeated} reported twice; {new_rows} new rows"
        )
        checks.append((f"{label} exist exactly once", not missing and not doubled and not repeated, detail))
        return new_rows

    exactly_once("complaints", Complaint, "reference", submitted["complaint"], snap["complaint"])
    exactly_once("applications", Application, "tracking_number", submitted["application"], snap["application"])
    decided = submitted["decided"]
    really = ApplicationStep.objects.filter(pk__in=decided).exclude(state=StepState.ACTIVE).count()
    checks.append(
        ("handled steps decided", really == len(set(decided)), f"{len(decided)} decisions, {really} steps decided")
    )

    run = CampaignRun.objects.get(pk=phase["run"])
    statuses = dict(Delivery.objects.filter(run=run).values_list("status").annotate(n=Count("pk")).order_by())
    sent_deliveries = statuses.get("sent", 0)
    checks.append(
        (
            "campaign sent to every recipient",
            settled and run.status == CampaignRun.Status.DONE and sent_deliveries == run.recipients,
            f"run {run.status}, {run.recipients} recipients, deliveries {statuses}",
        )
    )
    outbound = Message.objects.filter(pk__gt=snap["message"], direction=Direction.OUTBOUND)
    messages = outbound.count()
    distinct = outbound.values("provider_id").distinct().count()
    notices = dict(Notice.objects.values_list("status").annotate(n=Count("pk")).order_by())
    checks.append(
        (
            "notices all sent or refused",
            not notices.get("pending") and not notices.get("sending"),
            f"notices by status {notices}",
        )
    )
    checks.append(
        (
            "every SMS reached the fake Twilio exactly once",
            fake_stats["accepted"] == messages == distinct and fake_stats["duplicates"] == 0,
            f"fake accepted {fake_stats['accepted']}, duplicates {fake_stats['duplicates']}; "
            f"{messages} messages logged ({distinct} distinct provider ids), {sent_deliveries} of them the campaign's",
        )
    )
    connection.close()
    return checks


# Results


def read_stats(prefix):
    """Per request name: count, failures, p50/p95/p99 (ms) and requests/s, from Locust's CSV; 'all' is the total."""
    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return {}
    out = {}
    with path.open() as handle:
        for row in csv.DictReader(handle):
            name = "all" if row["Name"] == "Aggregated" else row["Name"]
            out[name] = {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    return out


def print_table(results, args):
    print(f"\n{args.users} users, {args.duration} s per run, on {os.cpu_count()} cores (load generator included)")
    names = sorted({name for r in results for name in r["stats"] if name != "all"}) + ["all"]
    header = f"{'request':<24}"
    for r in results:
        header += f" | {str(r['web']) + ' web x ' + str(r['threads']) + ' thr':^37}"
    print(header)
    columns = " | {:>6} {:>5} {:>6} {:>6} {:>6} {:>5}".format("count", "err", "p50", "p95", "p99", "rps")
    sub = f"{'':<24}" + columns * len(results)
    print(sub)
    for name in names:
        line = f"{name:<24}"
        for r in results:
            s = r["stats"].get(name)
            if s is None:
                line += " | " + " " * 37
                continue
            line += (
                f" | {s['count']:>6} {s['failures']:>5} {s['p50']:>6.0f} {s['p95']:>6.0f} {s['p99']:>6.0f} "
                f"{s['rps']:>5.1f}"
            )
        print(line)
    print("(latencies in ms; rps = requests per second)")
    for r in results:
        print(f"{r['web']} web: {'OK' if r['ok'] else 'FAILED'}")


if __name__ == "__main__":
    main()
