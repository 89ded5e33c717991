"""Benchmark page serving: the home page and a warning case under concurrent load, over real HTTP through gunicorn.

    .venv/bin/python bench/pages.py [--concurrency 16] [--seconds 15]

Builds a throw-away SQLite database holding the demo in a temporary directory (never db.sqlite3), collects the
static files there too, then serves it with gunicorn (2 workers x 4 threads) and the production settings. Each URL
is loaded in turn by --concurrency client threads, each on its own keep-alive connection, for --seconds. Exits
non-zero if any request failed. Set BENCH_DATABASE_URL to measure on another, empty database.
"""

import argparse
import contextlib
import http.client
import io
import logging
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
THREADS = 4
STARTUP_TIMEOUT = 30

# STATIC_ROOT is not read from the environment; a settings module of our own keeps collectstatic out of the
# working tree while everything else stays exactly as in production.
SETTINGS_MODULE = """\
from config.settings.production import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()

    with serving_demo() as (port, urls):
        failed = run(port, urls, args.concurrency, args.seconds)
    if failed:
        sys.exit(1)


@contextlib.contextmanager
def serving_demo(prefix="bench-pages-", settings_module=SETTINGS_MODULE):
    """The demo site on a throw-away database, served by gunicorn with the production settings: (port, urls)."""
    workdir = tempfile.TemporaryDirectory(prefix=prefix)
    root = Path(workdir.name)
    env = environment(root, settings_module, os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{root}/bench.sqlite3"))

    try:
        urls = prepare()
        server = start_server(root, env)
        try:
            yield server.port, urls
        finally:
            server.stop()
    finally:
        workdir.cleanup()


def environment(root, settings_module, database_url, **extra):
    """Settings module and environment of a throw-away demo in `root`, set in this process too; returns the
    variables for the web server. `extra` adds variables (REDIS_URL=...)."""
    (root / "bench_settings.py").write_text(settings_module.format(static_root=str(root / "static")))
    env = {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(root / "media"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        # The production settings demand the complaints' key: a throw-away database gets a throw-away key.
        "COMPLAINTS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Production sits behind a TLS-terminating proxy; here the client speaks plain HTTP to gunicorn directly,
        # which the production settings would answer with a redirect to https.
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(root), str(ROOT)]),
        **extra,
    }
    # Set before Django reads the settings, so .env and the developer's database are never used.
    os.environ.update(env)
    sys.path[:0] = [str(root), str(ROOT)]
    return env


def prepare():
    """Migrate, collect static files and load the demo; return the URLs to load, by label."""
    import django

    django.setup()
    # Wagtail logs every page it creates and publishes; the demo makes fifty of them.
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    from cms.models import WarningCasePage
    from directory.demo import load_demo

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("compile_catalogues", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)
    load_demo()
    case = WarningCasePage.objects.live().order_by("-date", "-pk").first()
    urls = {"home": "/", "warning case": case.url}
    connection.close()
    print(f"prepared in {time.perf_counter() - started:.1f} s: migrate, collectstatic, load_demo")
    return urls


class Server:
    def __init__(self, process, port, log_path):
        self.process = process
        self.port = port
        self.log_path = log_path

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(root, env):
    port = free_port()
    log_path = root / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "--log-level=warning",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log)
    server = Server(process, port, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            status, _body = fetch(port, "/healthz")
        except OSError:
            status = None
        if status == 200:
            print(f"gunicorn: {WORKERS} workers x {THREADS} threads on 127.0.0.1:{port}, settings: production")
            return server
        time.sleep(0.2)
    server.stop()
    sys.exit(f"gunicorn did not answer /healthz within {STARTUP_TIMEOUT} s:\n{log_path.read_text()[-3000:]}")


def fetch(port, path, connection=None):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        if own:
            connection.close()


def load(port, path, concurrency, seconds):
    """Latencies (s) of the successful requests and the number of failed ones, from `concurrency` threads."""
    latencies, errors = [], []
    deadline = time.monotonic() + seconds

    def client():
        mine, failed = [], 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, _body = fetch(port, path, connection)
            except (OSError, http.client.HTTPException):
                status = None
            if status == 200:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
                connection.close()  # a fresh connection after an error; keep-alive state is unknown
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()
        latencies.extend(mine)  # list.extend is atomic under the GIL
        errors.append(failed)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, sum(errors), time.perf_counter() - started


def percentile(sorted_values, fraction):
    return sorted_values[round(fraction * (len(sorted_values) - 1))] if sorted_values else float("nan")


def run(port, urls, concurrency, seconds):
    for label, path in urls.items():
        status, _body = fetch(port, path)  # warm up: renditions of the cover images are made on first view
        if status != 200:
            print(f"{label} {path}: HTTP {status} on the first request")
            return True
    print(f"{concurrency} client threads, keep-alive, {seconds:g} s per URL")
    print(f"{'url':<14} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}  path")
    failed = False
    for label, path in urls.items():
        latencies, errors, elapsed = load(port, path, concurrency, seconds)
        latencies.sort()
        total = len(latencies) + errors
        print(
            f"{label:<14} {total:>9,} {total / elapsed:>8.1f} {percentile(latencies, 0.5) * 1000:>8.1f} "
            f"{percentile(latencies, 0.95) * 1000:>8.1f} {errors:>7}  {path}"
        )
        failed = failed or errors > 0 or not latencies
    return failed


if __name__ == "__main__":
    main()
