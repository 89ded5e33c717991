import json
import logging

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from django.test import Client

from tests.resilience.conftest import database_down

pytestmark = [pytest.mark.urls("tests.resilience.urls"), pytest.mark.django_db]


@pytest.mark.parametrize("kind", ["operational", "interface", "redis", "redis-timeout"])
def test_an_outage_in_a_view_is_a_503_page_with_retry_after(english, kind):
    response = english.get(f"/outage/{kind}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "System busy, please try again later" in html
    assert "NOT saved" not in html  # nothing was sent
    assert "Traceback" not in html and "Error 111" not in html and "could not connect" not in html


def test_a_failed_post_says_the_input_was_not_saved(english):
    response = english.post("/outage/operational/", {"text": "x"})
    assert response.status_code == 503
    assert "What you just submitted was NOT saved." in response.content.decode()


def test_the_page_is_chinese_by_default(client):
    response = client.get("/outage/redis/")
    assert response.status_code == 503
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/api/outage/redis/", {}), ("/outage/operational/", {"HTTP_ACCEPT": "application/json"})],
)
def test_json_clients_get_json(client, path, headers):
    response = client.post(path, data="{}", content_type="application/json", **headers)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    (error,) = response.json()["errors"]
    assert error["code"] == "unavailable" and error["extensions"]["code"] == "unavailable"
    assert error["message"]
    assert response.json()["ok"] is False  # our JSON forms' clients test "ok" first


def test_an_outage_behind_another_exception_is_still_an_outage(client):
    assert client.get("/outage-wrapped/").status_code == 503


@pytest.mark.parametrize("kind", ["integrity", "bug"])
def test_other_errors_stay_500s(kind):
    client = Client(raise_request_exception=False)
    assert client.get(f"/outage/{kind}/").status_code == 500


def test_logged_once_at_warning_by_class_without_traceback(client, caplog):
    with caplog.at_level(logging.WARNING):
        client.get("/outage/redis/")
        client.get("/outage/redis/")  # within the throttle: counted, not logged
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    (record,) = records
    assert record.name == "core.outage" and record.levelno == logging.WARNING
    assert "redis.exceptions.ConnectionError" in record.getMessage()
    assert record.exc_info is None and "127.0.0.1" not in record.getMessage()


def test_an_outage_inside_a_middleware_is_a_503_too(monkeypatch, caplog):
    """The session middleware reads the session from the database before any view runs."""

    def session_unreachable(self, request):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(SessionMiddleware, "process_request", session_unreachable)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING):
        response = client.post("/complaints/new/", {"description": "x"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "NOT saved" in response.content.decode() or "没有保存" in response.content.decode()
    # Django's own "Service Unavailable" error line with a traceback is not written on top of ours.
    assert [r.name for r in caplog.records if r.levelno >= logging.WARNING] == ["core.outage"]


def test_with_the_database_down_pages_answer_503_and_the_answer_needs_no_database(english, home_page):
    with database_down():
        page = english.get("/")
        post = english.post("/complaints/new/", {"category": "demanding", "description": "窗口吃拿卡要"})
    assert page.status_code == 503 and post.status_code == 503
    assert "NOT saved" in post.content.decode()


def test_graphql_resolver_outage_is_a_503_not_an_error_inside_a_200(client, home_page):
    with database_down():
        response = client.post(
            "/graphql/", data=json.dumps({"query": "{ pages { id } }"}), content_type="application/json"
        )
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["errors"][0]["code"] == "unavailable"
    assert set(response.json()) == {"errors"}  # the GraphQL response shape, no other top-level key


def test_complaint_requests_are_still_scrubbed_first(client, monkeypatch):
    """The outage middleware sits outside the privacy middleware: a complaint request failing on an outage is
    scrubbed all the same, and its answer is marked no-store."""
    seen = {}

    def session_unreachable(self, request):
        seen["addr"] = request.META.get("REMOTE_ADDR")
        seen["agent"] = request.META.get("HTTP_USER_AGENT")
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(SessionMiddleware, "process_request", session_unreachable)
    response = Client(raise_request_exception=False).get(
        "/complaints/new/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Phone/1.0"
    )
    assert response.status_code == 503
    assert seen == {"addr": "", "agent": None}
    assert "no-store" in response["Cache-Control"]
