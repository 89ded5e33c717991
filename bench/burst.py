"""Benchmark a campaign's click burst: cadres follow their short links and load the page with its assets.

    .venv/bin/python bench/burst.py [--cadres 10000] [--clients 200] [--seconds 60]

Builds a throw-away PostgreSQL database (named by BENCH_DATABASE_URL, default the server's qf_cache_burst; dropped
at the end) with the demo, --cadres cadres and a campaign run to all of them (one short link each), and serves it
with gunicorn (2 workers x 4 threads), the production settings and Redis (BENCH_REDIS_URL, default database 5,
flushed) as the cache, behind
Varnish with deploy/varnish/default.vcl when varnishd is installed (it says so when it is not). Then --clients client
threads, each on its own keep-alive connection, follow short links in turn (/s/<code>, then the page it redirects
to, then the page's stylesheets, scripts and images) for --seconds; then the same clients load one static file for
--seconds, through the same front (the machine's ceiling). Prints requests/s, p50/p95/p99 and errors of each, the
click counts in the database against the clicks made, and the memory of each web process before and after.
Last line: ``burst ratio <burst req/s / static req/s> errors <n> clicks <exact|wrong>``.
"""

import sys
from pathlib import Path

# bench/ is the script's directory, first on the path: its modules go last, so none can shadow the standard library.
BENCH = str(Path(__file__).resolve().parent)
sys.path[:] = [entry for entry in sys.path if entry not in (BENCH, "")]

import argparse  # noqa: E402
import collections  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

sys.path.append(BENCH)  # last: for pages.py and sms_common.py only

from pages import SETTINGS_MODULE, free_port, percentile  # noqa: E402
from pages import environment as pages_environment  # noqa: E402
from pages import prepare as pages_prepare  # noqa: E402
from sms_common import BenchDatabase, approved_campaign, generate_cadres  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
THREADS = 4
# BENCH_REDIS_URL names another Redis database (it is flushed), BENCH_DATABASE_URL another database name.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
DEFAULT_DATABASE = "qf_cache_burst"
ASSET = re.compile(r'(?:href|src)="(/(?:static|media)/[^"]+)"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    workdir = tempfile.TemporaryDirectory(prefix="bench-burst-")
    root = Path(workdir.name)
    url = os.environ.get("BENCH_DATABASE_URL")
    database = BenchDatabase(url, urlsplit(url).path.strip("/") if url else DEFAULT_DATABASE)
    with database:
        env = environment(root, database.url)
        codes, page_url = prepare(args.cadres)
        gunicorn, web_port = start_gunicorn(root, env)
        varnish = None
        try:
            varnish = start_varnish(root, web_port)
            front = varnish[1] if varnish else web_port
            print(f"front: {'Varnish ' + varnish[2] if varnish else 'gunicorn directly (varnishd is not installed)'}")
            failed = measure(args, front, codes, page_url, gunicorn)
        finally:
            if varnish:
                stop(varnish[0])
            stop(gunicorn)
            from django.db import connections

            connections.close_all()
    workdir.cleanup()
    sys.exit(1 if failed else 0)


def environment(root, database_url):
    """bench/pages.py's environment, with Redis as the cache: the variables for gunicorn."""
    return {**os.environ, **pages_environment(root, SETTINGS_MODULE, database_url, REDIS_URL=REDIS_URL)}


def prepare(cadres):
    """bench/pages.py's demo, then the cadres and a campaign run to all of them: (short codes, page url)."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from cms.models import WarningCasePage
    from sms.dispatch import start_run
    from sms.models import Delivery

    cache.clear()  # the bench's Redis database only: the page cache and short-link targets of an earlier run
    print(f"cache: {REDIS_URL}")
    pages_prepare()
    started = time.perf_counter()
    generate_cadres(cadres)
    case = WarningCasePage.objects.live().order_by("-date", "-pk").first()
    # Changing the link after approval would void the approval (sms.models.Campaign.fingerprint): no run at all.
    run = start_run(approved_campaign(link_page=case), "burst")
    codes = list(Delivery.objects.filter(run=run, short_code__isnull=False).values_list("short_code", flat=True))
    connection.close()
    if not codes:
        sys.exit("the campaign run made no short links")
    print(f"campaign run in {time.perf_counter() - started:.1f} s: {len(codes):,} deliveries with a short link")
    return codes, case.url


def start_gunicorn(root, env):
    port = free_port()
    log = (root / "gunicorn.log").open("wb")
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", f"--bind=127.0.0.1:{port}"]
    command += [f"--workers={WORKERS}", f"--threads={THREADS}", "--log-level=warning", "--backlog=2048"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    wait_for(port, "/healthz", process, root / "gunicorn.log")
    print(f"gunicorn: {WORKERS} workers x {THREADS} threads, production settings, Redis cache")
    return process, port


def start_varnish(root, web_port):
    varnishd = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)
    if varnishd is None:
        return None
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    vcl = vcl.replace('.host = "web";', '.host = "127.0.0.1";').replace('.port = "8000";', f'.port = "{web_port}";')
    (root / "varnish.vcl").write_text(vcl)
    # Run as root, varnishd reads the VCL as its own unprivileged user: the private temporary directory must let it.
    root.chmod(0o755)
    (root / "varnish.vcl").chmod(0o644)
    port = free_port()
    version = subprocess.run([varnishd, "-V"], capture_output=True, text=True).stderr.splitlines()[0]
    command = [varnishd, "-F", "-a", f"127.0.0.1:{port}", "-f", str(root / "varnish.vcl"), "-n", str(root / "vsm")]
    command += ["-s", "malloc,256m", "-p", "thread_pool_min=50"]
    log = (root / "varnish.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=log)
    wait_for(port, "/healthz", process, root / "varnish.log")
    return process, port, version


def wait_for(port, path, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            status, _headers, _body = get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    sys.exit(f"nothing answered {path} on port {port}:\n{Path(log_path).read_text()[-3000:]}")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get(connection, path):
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    return response.status, response, response.read()


def worker_rss(master):
    """RSS in MB of each gunicorn worker (the master's children)."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def load(port, clients, seconds, step):
    """Run `step(connection, record)` in a loop on `clients` threads: (latencies by kind, errors, elapsed)."""
    latencies = collections.defaultdict(list)
    errors = []
    deadline = time.monotonic() + seconds

    def client():
        mine, failed = collections.defaultdict(list), 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def record(kind, path, expected):
            nonlocal connection, failed
            started = time.perf_counter()
            try:
                status, response, body = get(connection, path)
            except (OSError, http.client.HTTPException):
                status, response, body = None, None, b""
            if status == expected:
                mine[kind].append(time.perf_counter() - started)
                return response, body
            failed += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            return None, b""

        while time.monotonic() < deadline:
            step(record)
        connection.close()
        for kind, values in mine.items():
            latencies[kind].extend(values)
        errors.append(failed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, sum(errors), time.perf_counter() - started


def measure(args, front, codes, page_url, gunicorn):
    first = http.client.HTTPConnection("127.0.0.1", front, timeout=30)
    status, _response, body = get(first, page_url)
    assets = sorted(set(ASSET.findall(body.decode())))
    # Without the proxy (no varnishd), gunicorn serves static files (WhiteNoise) but not /media/: in production the
    # proxy or the object store does. Each 404 was an error and a new connection, and cost a Wagtail 404 page.
    missing = [asset for asset in assets if get(first, asset)[0] != 200]
    assets = [asset for asset in assets if asset not in missing]
    if missing:
        print(f"left out, not served by this front: {', '.join(Path(a).name for a in missing)}")
    first.close()
    if status != 200 or not assets:
        print(f"the campaign's page {page_url} answered {status} with {len(assets)} assets")
        return True
    print(f"campaign page {page_url}: {len(assets)} assets ({', '.join(Path(a).name for a in assets)})")
    before = worker_rss(gunicorn)

    next_code = itertools.cycle(codes).__next__
    lock = threading.Lock()
    clicked = collections.Counter()

    def follow(record):
        with lock:
            code = next_code()
        response, _body = record("short link", f"/s/{code}", 302)
        if response is None:
            return
        with lock:
            clicked[code] += 1
        location = response.getheader("Location", "/")
        record("page", location, 200)
        for asset in assets:  # the page's own, read once above: a browser would have them from its HTML
            record("asset", asset, 200)

    print(f"\n{args.clients} clients, keep-alive, {args.seconds:g} s each phase")
    burst, burst_errors, burst_elapsed = load(front, args.clients, args.seconds, follow)
    static_path = next(a for a in assets if a.endswith(".css"))
    static, static_errors, static_elapsed = load(
        front, args.clients, args.seconds, lambda record: record("static file", static_path, 200)
    )
    after = worker_rss(gunicorn)

    print(f"{'requests':<14} {'count':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    rows = [(kind, values, burst_elapsed) for kind, values in burst.items()]
    rows.append(("burst, all", [v for values in burst.values() for v in values], burst_elapsed))
    rows.append(("static file", static["static file"], static_elapsed))
    rates = {}
    for kind, values, elapsed in rows:
        values.sort()
        rates[kind] = len(values) / elapsed
        print(
            f"{kind:<14} {len(values):>9,} {rates[kind]:>8.1f} {percentile(values, 0.5) * 1000:>8.1f} "
            f"{percentile(values, 0.95) * 1000:>8.1f} {percentile(values, 0.99) * 1000:>8.1f}"
        )
    print(f"errors: burst {burst_errors}, static {static_errors}")

    from django.db.models import Sum

    from sms.models import Delivery

    stored = dict(Delivery.objects.filter(short_code__in=list(clicked)).values_list("short_code", "clicks"))
    total = Delivery.objects.aggregate(total=Sum("clicks"))["total"] or 0
    exact = stored == dict(clicked) and total == sum(clicked.values())
    print(f"clicks: {sum(clicked.values()):,} made, {total:,} counted, {len(clicked):,} cadres clicked")
    print("web process RSS MB before: " + ", ".join(f"{v:.0f}" for v in before))
    print("web process RSS MB after:  " + ", ".join(f"{v:.0f}" for v in after))
    ratio = rates["burst, all"] / rates["static file"] if rates["static file"] else 0.0
    errors = burst_errors + static_errors
    print(f"burst ratio {ratio:.2f} errors {errors} clicks {'exact' if exact else 'wrong'}")
    return errors > 0 or not exact


if __name__ == "__main__":
    main()
