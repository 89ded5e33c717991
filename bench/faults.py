"""Faults under load: the stack of bench/load/run.py under a shorter load while PostgreSQL restarts, Redis stops
for 30 s and django-q2 workers are SIGKILLed; checks that failures are clean, the system recovers by itself and
nothing submitted or queued is lost or doubled.

    .venv/bin/python bench/faults.py [--users 20] [--duration 240] [--web 2] [--redis-outage 30] [--dry-run]

Restarts this machine's PostgreSQL and Redis (pg_ctlcluster, redis-cli shutdown / redis-server), which every
process using them notices: run it where nothing else depends on them. --dry-run leaves both services alone and
stands in for the PostgreSQL restart by terminating the benchmark database's connections (pg_terminate_backend);
the Redis outage is skipped; the workers are killed all the same.

Every response is recorded. During an outage a request may fail, but cleanly: 503 (with Retry-After) and never a
traceback in the body; 500s are counted apart. After each fault the time to the first successful response is
measured. At the end, as in run.py: every complaint and application the client was told was submitted exists exactly
once, every notice and campaign SMS reached the fake Twilio exactly once, and django-q2 recorded no failed task.
The workers are supervised as compose's `restart: unless-stopped` would: a cluster that exits is started again.
Prints each check with PASS or FAIL and exits 1 on any FAIL.
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import run as load  # noqa: E402

PG_VERSIONS = Path("/etc/postgresql")
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]
OK_STATUSES = {200, 204, 301, 302, 304}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=240, help="seconds of load")
    parser.add_argument("--web", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--redis-outage", type=float, default=30, help="seconds Redis stays down")
    parser.add_argument("--recovery-limit", type=float, default=60, help="seconds allowed to recover from a fault")
    parser.add_argument("--settle", type=float, default=480, help="seconds the SMS may take to all go out")
    parser.add_argument("--dry-run", action="store_true", help="leave PostgreSQL and Redis alone")
    args = parser.parse_args()

    faults = []
    try:
        with load.Stack() as stack:
            schedule = Faults(stack, args, faults)
            phase = stack.run_phase(
                args.web,
                args.threads,
                args.users,
                args.duration,
                on_running=schedule.run,
                record=True,
                # Rows a killed or failed task had claimed come back when their lease (SMS_CLAIM_LEASE, 300 s)
                # ends, and the minute sweeps pick them up: the production values, so the wait is long.
                settle=args.settle,
            )
            checks = analyse(phase, faults, args)
    finally:
        if not args.dry_run:
            ensure_services()
    print("\nfaults:")
    for fault in faults:
        print(
            f"  {fault['name']:<34} at {fault['start']:6.1f} s, over at {fault['end']:6.1f} s  {fault.get('note', '')}"
        )
    print("\nchecks:")
    for name, passed, detail in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}")
    failed = [name for name, passed, _detail in checks if not passed]
    print(f"\n{len(checks) - len(failed)} of {len(checks)} checks passed" + (" (dry run)" if args.dry_run else ""))
    sys.exit(1 if failed else 0)


class Faults:
    """Injects the faults while the load runs, and keeps the worker clusters running as a supervisor would."""

    def __init__(self, stack, args, log):
        self.stack, self.args, self.log = stack, args, log
        self.stop = threading.Event()

    def run(self, state):
        self.state = state
        supervisor = threading.Thread(target=self.supervise, daemon=True)
        supervisor.start()
        d = self.args.duration
        try:
            self.at(d * 0.15)
            self.restart_postgresql()
            self.at(d * 0.35)
            self.stop_redis()
            self.at(d * 0.65)
            self.kill_worker_child()
            self.at(d * 0.75)
            self.kill_cluster()
        finally:
            if not self.args.dry_run:
                ensure_services()
            # The supervisor goes on until the load ends; run_phase stops the clusters it finds in state.
            threading.Thread(target=self._stop_later, daemon=True).start()

    def _stop_later(self):
        time.sleep(max(0.0, self.state["started"] + self.args.duration - time.time()))
        self.stop.set()

    def at(self, seconds):
        time.sleep(max(0.0, self.state["started"] + seconds - time.time()))

    def now(self):
        return time.time() - self.state["started"]

    def record(self, name, start, note=""):
        self.log.append({"name": name, "start": start, "end": self.now(), "note": note})
        print(f"  [{self.now():6.1f} s] {name} {note}", flush=True)

    def restart_postgresql(self):
        start = self.now()
        if self.args.dry_run:
            import psycopg

            dsn = self.stack.db.admin_url.replace("postgres://", "postgresql://", 1)
            with psycopg.connect(dsn, autocommit=True) as conn:
                killed = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.stack.db.name],
                ).fetchone()[0]
            return self.record("PostgreSQL connections terminated", start, f"(dry run: {killed} connections)")
        version = sorted(os.listdir(PG_VERSIONS))[-1]
        result = subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], capture_output=True, text=True
        )
        self.record("PostgreSQL restarted", start, f"(exit {result.returncode}) {result.stderr.strip()[:200]}")

    def stop_redis(self):
        start = self.now()
        if self.args.dry_run:
            print("  Redis outage skipped (dry run)")
            return
        subprocess.run(["redis-cli", "shutdown", "nosave"], capture_output=True)
        time.sleep(self.args.redis_outage)
        result = subprocess.run(REDIS_START, capture_output=True, text=True)
        wait_for(redis_up, 30)
        self.record(f"Redis stopped for {self.args.redis_outage:g} s", start, f"(start exit {result.returncode})")

    def kill_worker_child(self):
        start = self.now()
        cluster = self.state["clusters"][0]
        children = descendants(cluster.pid)
        # The cluster's processes: sentinel -> guard's pusher, monitor and workers. Kill the last started (a worker).
        victim = children[-1] if children else cluster.pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
        self.record("SIGKILL one worker process", start, f"(pid {victim} of cluster {cluster.pid})")

    def kill_cluster(self):
        start = self.now()
        cluster = self.state["clusters"][1]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait()
        self.record("SIGKILL a whole cluster", start, f"(process group {cluster.pid}; the supervisor restarts it)")

    def supervise(self):
        """compose's restart: unless-stopped: a cluster that exits is started again a second later."""
        generation = 0
        while not self.stop.is_set():
            for index, process in enumerate(self.state["clusters"]):
                if process.poll() is not None:
                    time.sleep(1)
                    generation += 1
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, signal.SIGKILL)  # its orphans, if any
                    self.state["clusters"][index] = self.stack.start_cluster(f"restart-{generation}")
                    print(f"  [{self.now():6.1f} s] supervisor: cluster {process.pid} exited, restarted", flush=True)
            time.sleep(0.5)


def descendants(pid):
    """Every process below `pid`, parents first (from /proc)."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    out, queue = [], [pid]
    while queue:
        for child in sorted(children.get(queue.pop(0), [])):
            out.append(child)
            queue.append(child)
    return out


def redis_up():
    return subprocess.run(["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() == "PONG"


def postgresql_up():
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0


def wait_for(check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def ensure_services():
    """Whatever happened, leave PostgreSQL and Redis running."""
    if not postgresql_up():
        version = sorted(os.listdir(PG_VERSIONS))[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], capture_output=True)
        wait_for(postgresql_up, 60)
    if not redis_up():
        subprocess.run(REDIS_START, capture_output=True)
        wait_for(redis_up, 30)


def analyse(phase, faults, args):
    """The checks beyond run.py's: how requests failed, how fast each fault was recovered from, django-q2's record."""
    rows = (
        [json.loads(line) for line in phase["responses"].read_text().splitlines()]
        if phase["responses"].exists()
        else []
    )
    started = phase["state"]["started"]
    for row in rows:
        row["t"] = row["at"] - started
    for row in rows:
        row["ok"] = row["status"] in OK_STATUSES and not row.get("exception")
        row["in_band"] = row["status"] in OK_STATUSES and "internal_error" in row.get("error", "")
    failures = [r for r in rows if not r["ok"]]
    by_status = {}
    for r in failures:
        if r["in_band"]:
            key = "GraphQL internal_error"
        elif r["status"] in OK_STATUSES:
            key = f"{r['status']} without its result"
        else:
            key = r["status"] or f"no answer ({r['exception']})"
        by_status[key] = by_status.get(key, 0) + 1
    checks = [
        (
            "no traceback in any response body",
            not any(r["traceback"] for r in rows),
            f"{len(rows)} responses, {sum(r['traceback'] for r in rows)} with a traceback",
        ),
        (
            # The outage middleware answers 503 everywhere, GraphQL included (its view re-raises an outage).
            "failures are clean 503s with Retry-After",
            all(r["status"] == 503 and r["retry_after"] for r in failures),
            f"{len(failures)} failed responses by status: {by_status or 'none'}; "
            f"503s with Retry-After: {sum(1 for r in failures if r['status'] == 503 and r['retry_after'])}",
        ),
    ]
    outside = []
    for index, fault in enumerate(faults):
        first_ok = next((r["t"] for r in rows if r["t"] >= fault["end"] and r["ok"]), None)
        # A fault's window ends when it has had its time to recover, or when the next fault begins.
        following = faults[index + 1]["start"] - 1 if index + 1 < len(faults) else float("inf")
        window_end = min(fault["end"] + args.recovery_limit, following)
        during = [r for r in failures if fault["start"] - 1 <= r["t"] <= window_end]
        last_failure = max((r["t"] for r in during), default=None)
        recovered = first_ok is not None and first_ok - fault["end"] <= args.recovery_limit
        detail = (
            f"first success {first_ok - fault['end']:.1f} s after it was over" if first_ok is not None else "none"
        ) + (
            f"; {len(during)} failures, the last {last_failure - fault['end']:+.1f} s from its end"
            if last_failure is not None
            else "; no failure"
        )
        checks.append((f"recovered from: {fault['name']}", recovered, detail))
        outside.append((fault["start"] - 1, window_end))
    stray = [r for r in failures if not any(a <= r["t"] <= b for a, b in outside)]
    checks.append(
        (
            "no failure outside the faults' windows",
            not stray,
            f"{len(stray)} " + (f"(first: {stray[0]['name']} HTTP {stray[0]['status']})" if stray else ""),
        )
    )
    checks.extend(phase["checks"])
    from django.db import connection
    from django.db.models import Count
    from django_q.models import Failure, OrmQ

    failed = dict(Failure.objects.values_list("func").annotate(n=Count("pk")).order_by())
    # A task that failed during an outage is not lost when a sweep redoes its work: the SMS checks above prove that
    # for these; a failure of any other task is.
    redone = {"sms.tasks.dispatch_run", "sms.tasks.send_notice", "sms.tasks.sweep_campaigns", "sms.tasks.sweep_notices"}
    checks.append(
        (
            "django-q2: failed tasks only where a sweep redoes the work",
            set(failed) <= redone,
            f"failed tasks {failed or 'none'}; {OrmQ.objects.count()} left in the ORM queue",
        )
    )
    connection.close()
    return checks


if __name__ == "__main__":
    main()
