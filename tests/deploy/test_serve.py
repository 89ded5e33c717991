"""scripts/serve.sh, run for real: `migrate` then `web` (gunicorn, production settings) answering /healthz."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "scripts" / "serve.sh"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _production_env(tmp_path, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL", "DATABASE_URL"))}
    env.update(
        PYTHON=sys.executable,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY="serve-test-" + "k" * 50,
        ALLOWED_HOSTS="qingfeng.example.cn",
        COMPLAINTS_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        MEDIA_ROOT=str(tmp_path / "media"),
        COMPLAINTS_PRIVATE_ROOT=str(tmp_path / "private"),
        STATIC_ROOT=str(tmp_path / "static"),
        PORT=str(port),
        BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
        LOG_FORMAT="json",
    )
    return env


# Transactional: an open test transaction on the shared in-memory database would lock the backup out.
@pytest.mark.django_db(transaction=True)
def test_migrate_then_web_serves_healthz_with_production_settings(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("copies the migrated SQLite test database; the SQLite run covers it")
    # Migrating an empty database takes half a minute: start from the test database, already migrated, so that
    # `migrate` has the schedules and the last check to do, as on an upgrade.
    connection.ensure_connection()
    connection.connection.execute("VACUUM INTO ?", [str(tmp_path / "db.sqlite3")])

    port = _free_port()
    env = _production_env(tmp_path, port)
    migrate = subprocess.run([str(SERVE), "migrate"], env=env, capture_output=True, text=True, timeout=60)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM django_q_schedule").fetchone()[0] > 0

    log = (tmp_path / "web.log").open("w+")
    web = subprocess.Popen([str(SERVE), "web"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz?code=SECRET1", headers={"Host": "qingfeng.example.cn"}
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                response = urllib.request.urlopen(request, timeout=5)
                break
            except OSError:
                assert web.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer within 15 s"
                time.sleep(0.2)
        assert response.status == 200
        assert json.loads(response.read())["status"] == "ok"
        assert "Content-Security-Policy" in response.headers
        healthcheck = subprocess.run([str(SERVE), "healthcheck"], env=env, timeout=10)
        assert healthcheck.returncode == 0
    finally:
        web.terminate()
        web.wait(timeout=15)
    log.seek(0)
    lines = [json.loads(line) for line in log if line.startswith("{")]
    access = [entry["message"] for entry in lines if entry["logger"] == "gunicorn.access"]
    # Method, path and status; no client address and no query string.
    assert access and access[0].startswith("GET /healthz 200")
    assert not any("127.0.0.1" in line.split()[1] or "SECRET1" in line for line in access)


def test_an_unknown_command_is_refused():
    result = subprocess.run([str(SERVE), "serve-everything"], capture_output=True, text=True, timeout=10)
    assert result.returncode == 2
    assert "usage" in result.stderr
