"""Complaint limits through a real gunicorn behind proxy headers: one limit per client, forged headers ignored.

gunicorn listens on 127.0.0.1; requests leave from 127.0.0.2 (the trusted proxy, as nginx in compose) or 127.0.0.3
(any other peer), so that the server sees the peer addresses a deployment would.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from directory.models import Department, DepartmentKind

ROOT = Path(__file__).resolve().parents[2]
PROXY, STRANGER = "127.0.0.2", "127.0.0.3"


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, port):
        self.port = port
        self.cookie = self.token = ""

    def request(self, method, path, body=None, peer=PROXY, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20, source_address=(peer, 0))
        try:
            conn.request(method, path, body=body, headers={"Host": "testserver", **(headers or {})})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def wait(self, process):
        deadline = time.monotonic() + 30
        while True:
            try:
                response, body = self.request("GET", "/complaints/new/")
                self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
                self.token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
                return
            except OSError:
                assert process.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.3)

    def complain(self, department, forwarded, peer=PROXY):
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "category": "demanding",
                "concerned_department": department,
                "concerned_person": "张某",
                "description": "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。",
                "is_anonymous": "1",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Cookie": self.cookie,
            "X-Forwarded-For": forwarded,
        }
        response, raw = self.request("POST", "/complaints/new/", body, peer=peer, headers=headers)
        answer = json.loads(raw)
        return "ok" if answer["ok"] else answer["errors"]["__all__"][0]["code"]


@pytest.mark.django_db(transaction=True)
def test_limits_count_each_client_behind_the_proxy_and_ignore_forged_headers(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("copies the migrated SQLite test database; the SQLite run covers it")
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    Department.objects.create(code="QH-JW", name="市纪委监委", kind=DepartmentKind.BUREAU, parent=city)
    target = Department.objects.create(code="QH-ZJJ", name="市住建局", kind=DepartmentKind.BUREAU, parent=city).pk
    connection.ensure_connection()
    connection.connection.execute("VACUUM INTO ?", [str(tmp_path / "db.sqlite3")])

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TRUSTED_PROXIES=f"{PROXY}/32",
        COMPLAINTS_SUBMISSIONS_PER_HOUR="5",
        COMPLAINTS_PRIVATE_ROOT=str(tmp_path / "private"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    log = (tmp_path / "gunicorn.log").open("w+")
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "config.wsgi:application"]
    web = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        server = Server(port)
        server.wait(web)
        # Six citizens behind the one proxy: six limits, all accepted.
        assert [server.complain(target, f"203.0.113.{n}") for n in range(1, 7)] == ["ok"] * 6
        # One of them again: 2..5 accepted, the sixth must solve the challenge first.
        assert [server.complain(target, "203.0.113.1") for _n in range(5)] == ["ok"] * 4 + ["challenge_required"]
        # A peer that is no trusted proxy sends a different X-Forwarded-For each time: it is still one client.
        forged = [server.complain(target, f"198.51.100.{n}", peer=STRANGER) for n in range(1, 7)]
        assert forged == ["ok"] * 5 + ["challenge_required"]
    finally:
        web.terminate()
        web.wait(timeout=15)
        log.seek(0)
        print(log.read()[-3000:])
