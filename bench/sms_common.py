"""What the SMS benchmarks share: a throw-away PostgreSQL database, a fake provider (Twilio or Alibaba Cloud) as its
own process,
generated cadres, an approved campaign, and dispatch worker processes (this file run as a script is one worker).

    python bench/sms_common.py --worker RUN_ID   (started by the benchmarks, not by hand)
"""

import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
# A Redis database of its own, so that the rate bucket is shared by the worker processes as in production.
BENCH_REDIS = "redis://127.0.0.1:6379/14"


def rss_mb():
    """Resident memory now (Linux), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class BenchDatabase:
    """CREATE DATABASE on entry, DROP on exit, on the server of `url` (its database name is replaced)."""

    def __init__(self, url, name):
        parts = urlsplit(url or DEFAULT_SERVER)
        self.name = name
        self.admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
        self.url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))

    def _execute(self, sql):
        import psycopg

        dsn = self.admin_url.replace("postgres://", "postgresql://", 1)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql)

    def __enter__(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        from django.db import connections

        connections.close_all()
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class FakeTwilioProcess:
    """tests/fakes/twilio_server.py in its own process, configured over HTTP."""

    gateway = "twilio"
    # The fault mix of sms_faults.py: 20% of requests fail.
    faults = {"fail_429": 0.10, "fail_500": 0.07, "accept_then_500": 0.02, "timeout": 0.01, "hang_seconds": 2.0}
    quiet = {"callbacks": False}  # no web server runs in a benchmark to take status callbacks

    def __init__(self):
        self.account_sid = "AC" + secrets.token_hex(16)
        self.auth_token = secrets.token_hex(16)

    def command(self):
        return ["-m", "tests.fakes.twilio_server", "--port", "0"] + [
            "--account-sid",
            self.account_sid,
            "--auth-token",
            self.auth_token,
        ]

    def settings(self):
        return {
            "SMS_GATEWAY": "twilio",
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM": "+15005550006",
            "TWILIO_BASE_URL": self.url,
        }

    def owner_of(self, provider_id):
        """The number the fake accepted this provider id for, or None."""
        import base64

        token = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        url = f"{self.url}/2010-04-01/Accounts/{self.account_sid}/Messages/{provider_id}.json"
        request = urllib.request.Request(url)
        request.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read()).get("to")

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, *self.command()],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        )
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise RuntimeError("the fake Twilio server did not start")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(10)

    def _call(self, path, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method="POST" if data is not None else "GET")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def configure(self, **config):
        return self._call("/_fake/config", config)

    def reset(self):
        return self._call("/_fake/reset", {})

    def stats(self):
        return self._call("/_fake/stats")


class FakeAliyunProcess(FakeTwilioProcess):
    """tests/fakes/aliyun_server.py in its own process, configured over HTTP."""

    gateway = "aliyun"
    # 20% of requests fail: per-number flow control, throttling, 5xx (some after accepting), timeouts.
    faults = {
        "flow_control": 0.08,
        "throttle": 0.04,
        "fail_500": 0.05,
        "accept_then_500": 0.02,
        "timeout": 0.01,
        "hang_seconds": 2.0,
    }
    quiet = {}  # reports are pushed only to a configured URL, and none is configured

    def __init__(self):
        self.access_key_id = "LTAI" + secrets.token_hex(8)
        self.access_key_secret = secrets.token_hex(15)

    def command(self):
        return ["-m", "tests.fakes.aliyun_server", "--port", "0"] + [
            "--access-key-id",
            self.access_key_id,
            "--access-key-secret",
            self.access_key_secret,
        ]

    def settings(self):
        return {
            "SMS_GATEWAY": "aliyun",
            "ALIYUN_SMS_ACCESS_KEY_ID": self.access_key_id,
            "ALIYUN_SMS_ACCESS_KEY_SECRET": self.access_key_secret,
            "ALIYUN_SMS_ENDPOINT": urlsplit(self.url).netloc,
            "ALIYUN_SMS_PROTOCOL": "http",
            "ALIYUN_SMS_FALLBACK_TEMPLATE": "SMS_100000001",
        }

    def owner_of(self, provider_id):
        answer = self._call(f"/_fake/lookup?out_id={provider_id}")
        return f"+86{answer['phone']}" if answer and answer.get("phone") else None


FAKES = {"twilio": FakeTwilioProcess, "aliyun": FakeAliyunProcess}


def environment(database_url, fake, **extra):
    """Environment for this process (before django.setup) and the worker processes."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",  # DEBUG keeps every query in memory
        "DATABASE_URL": database_url,
        "REDIS_URL": BENCH_REDIS,
        "LOG_LEVEL": "WARNING",
        **fake.settings(),
        "SMS_QUIET_HOURS": "",  # a benchmark at night must not wait for the morning
        "SMS_DAILY_CAP": "0",
    }
    env.update({key: str(value) for key, value in extra.items()})
    os.environ.update(env)
    return dict(os.environ)


def setup_django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    overrides = json.loads(os.environ.get("BENCH_SETTINGS", "{}"))
    from django.conf import settings

    for name, value in overrides.items():
        setattr(settings, name, value)
    from django.core.cache import cache

    cache.clear()


def generate_cadres(count, departments=50, batch=5000):
    from directory.models import Cadre, Department, DepartmentKind

    Department.objects.bulk_create(
        [
            Department(code=f"B{i:03d}", name=f"部门{i}", kind=DepartmentKind.BUREAU, path=f"/B{i:03d}/", depth=1)
            for i in range(departments)
        ]
    )
    ids = list(Department.objects.values_list("pk", flat=True))
    for start in range(0, count, batch):
        Cadre.objects.bulk_create(
            [
                Cadre(name=f"干部{i}", phone=f"+86139{i:08d}", department_id=ids[i % len(ids)], post="科员")
                for i in range(start, min(start + batch, count))
            ]
        )


def approved_campaign(text="节日将至，请严守八项规定精神，廉洁过节。", with_link=True, link_page=None):
    """A campaign to all cadres, submitted and approved; its link goes to `link_page` (else the first page). The
    link is part of what approval vouches for: set it here, not after."""
    from django.contrib.auth.models import Permission, User
    from wagtail.models import Page

    from sms import services
    from sms.models import Campaign

    author = User.objects.create_user(f"author-{secrets.token_hex(3)}")
    approver = User.objects.create_user(f"approver-{secrets.token_hex(3)}")
    approver.user_permissions.add(Permission.objects.get(codename="approve_campaign"))
    approver = User.objects.get(pk=approver.pk)
    campaign = Campaign.objects.create(
        title="基准测试",
        text=text,
        all_cadres=True,
        created_by=author,
        link_page=(link_page or Page.objects.order_by("pk").first()) if with_link else None,
    )
    services.submit_campaign(campaign, author)
    services.approve_campaign(campaign, approver)
    return campaign


def reset_run(run):
    """Every delivery back to queued, no log rows: the run as if just built."""
    from sms.models import Campaign, CampaignRun, Delivery, Message

    Message.objects.filter(delivery__run=run).delete()
    Delivery.objects.filter(run=run).exclude(status="skipped").update(
        status="queued", attempts=0, claimed_at=None, next_attempt_at=None, provider_id=None, sent_at=None
    )
    CampaignRun.objects.filter(pk=run.pk).update(status=CampaignRun.Status.DISPATCHING, finished_at=None)
    Campaign.objects.filter(pk=run.campaign_id).update(status=Campaign.Status.SENDING)


class Workers:
    """Dispatch worker processes on one run: started, released together, killed, awaited."""

    def __init__(self, run_id, env):
        self.run_id, self.env, self.processes = run_id, env, []

    def spawn(self, wait_ready=True):
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", str(self.run_id)],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.processes.append(process)
        if wait_ready:
            assert process.stdout.readline().strip() == "ready"
        return process

    def go(self, processes=None):
        for process in processes or self.processes:
            process.stdin.write("go\n")
            process.stdin.flush()

    def kill(self, process):
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        self.processes.remove(process)

    def wait(self, timeout):
        reports = []
        deadline = time.monotonic() + timeout
        for process in self.processes:
            out, _err = process.communicate(timeout=max(deadline - time.monotonic(), 1))
            lines = [line for line in out.splitlines() if line.startswith("{")]
            if process.returncode != 0 or not lines:
                raise RuntimeError(f"worker {process.pid} exited with {process.returncode}")
            reports.append(json.loads(lines[-1]))
        self.processes = []
        return reports


def worker(run_id, idle_exit=5.0):
    """Run the dispatch loop on a run until it is done (as django-q2's tasks would, without the queue)."""
    setup_django()
    from sms import dispatch
    from sms.models import CampaignRun

    print("ready", flush=True)
    sys.stdin.readline()  # released by the benchmark, so that setup time is not measured
    started = time.perf_counter()
    sent, rss_early, idle_since = 0, None, None
    total = CampaignRun.objects.get(pk=run_id).recipients
    while True:
        result = dispatch.dispatch_run(run_id, budget=5)
        sent += result.sent
        if rss_early is None and sent >= total / 10:
            rss_early = rss_mb()
        if result.state in ("done", "paused"):
            break
        if result.state == "wait":
            # Other workers hold the remaining rows (or their retries are not due yet).
            idle_since = idle_since or time.monotonic()
            if not dispatch.pending(CampaignRun.objects.get(pk=run_id)).exists():
                break
            time.sleep(0.2 if time.monotonic() - idle_since < idle_exit else 1.0)
        else:
            idle_since = None
    print(
        json.dumps(
            {
                "sent": sent,
                "seconds": time.perf_counter() - started,
                "rss_at_10pct_mb": rss_early or rss_mb(),
                "rss_end_mb": rss_mb(),
                "peak_rss_mb": peak_rss_mb(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
