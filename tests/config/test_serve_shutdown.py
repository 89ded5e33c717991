"""`manage.py serve` stopped by SIGTERM: the web server and the whole task cluster go, no orphan is left."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children():
    """pid -> parent pid of every process on the machine (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _descendants(pid):
    parents = _children()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reload", [False, True], ids=["noreload", "autoreload"])
def test_sigterm_stops_the_server_and_every_cluster_process(tmp_path, reload):
    if connection.vendor != "sqlite":
        pytest.skip("copies the migrated SQLite test database; the SQLite run covers it")
    connection.ensure_connection()
    connection.connection.execute("VACUUM INTO ?", [str(tmp_path / "db.sqlite3")])
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    command = [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", *([] if reload else ["--noreload"])]
    log = (tmp_path / "serve.log").open("w+")
    serve = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    seen = set()
    try:
        deadline = time.monotonic() + 60
        while True:
            seen |= _descendants(serve.pid)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                if len(seen) >= 3:  # the cluster, its sentinel and at least a worker or the runserver child
                    break
            except OSError:
                pass
            assert serve.poll() is None, "serve exited"
            assert time.monotonic() < deadline, "serve did not answer with its cluster up within 60 s"
            time.sleep(0.3)
        time.sleep(1)
        seen |= _descendants(serve.pid)
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=20)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in seen if _alive(pid)], "processes left running after SIGTERM"
    finally:
        for pid in seen | {serve.pid}:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.seek(0)
        print(log.read()[-3000:])
