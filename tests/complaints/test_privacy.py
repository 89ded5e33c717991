"""No trace of the reporter: a complaint submitted through every entrance leaves its client address and user agent
nowhere in the database or the log output."""

import json
import logging

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from tests.complaints.conftest import form_data, jpeg_with_gps

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
UA = "SecretPhone/9.9 UniqueAgent-7Q3X"


def _text_hits(needle):
    hits = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField))
        ]
        for name in fields:
            try:
                if model._default_manager.filter(**{f"{name}__icontains": needle}).exists():
                    hits.append(f"{model._meta.label}.{name}")
            except Exception:  # noqa: BLE001 - a JSON lookup some backends refuse
                for value in model._default_manager.values_list(name, flat=True):
                    if needle in json.dumps(value, default=str):
                        hits.append(f"{model._meta.label}.{name}")
    return hits


def test_complaint_requests_leave_no_ip_or_user_agent_in_db_or_logs(client, city, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    meta = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": UA, "HTTP_X_FORWARDED_FOR": IP, "HTTP_REFERER": f"http://{IP}/"}
    data = form_data(city, is_anonymous="0", name="陈小明", phone="13912345678")
    data["attachments"] = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post("/complaints/new/", data, **meta)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    reference = response.context["complaint"].reference
    # A refused submission, a wrong receipt (logged as 403 by django.request), a missing case page (404) ...
    client.post("/complaints/new/", {"description": ""}, **meta)
    client.post("/complaints/follow/", {"reference": reference, "receipt": "1" * 18}, **meta)
    client.get("/complaints/cases/NOPE/", **meta)
    # ... and the GraphQL entrance.
    query = (
        'mutation { submitComplaint(category: "delay", description: "审批拖了三个月没有任何答复，多次询问无果。", '
        'concernedPerson: "某科长") { ok reference errors { code } } }'
    )
    answer = client.post("/graphql/", json.dumps({"query": query}), content_type="application/json", **meta).json()
    assert answer["data"]["submitComplaint"]["ok"] is True

    assert _text_hits(IP) == []
    assert _text_hits("UniqueAgent-7Q3X") == []
    logged = []
    for record in caplog.records:
        logged.append(record.getMessage())
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            logged.append(repr(request.META))
        logged.append(repr(record.__dict__))
    out, err = capfd.readouterr()  # what the console handlers printed
    text = "\n".join(logged) + caplog.text + out + err
    assert IP not in text and "UniqueAgent-7Q3X" not in text


def test_other_requests_keep_their_address(client, rf):
    from complaints.privacy import is_complaint_request

    assert not is_complaint_request(rf.get("/search/"))
    assert is_complaint_request(rf.get("/complaints/new/"))
    assert is_complaint_request(
        rf.post("/graphql/", '{"query":"{ publicCases { items { title } } }"}', content_type="application/json")
    )
    assert not is_complaint_request(
        rf.post("/graphql/", '{"query":"{ boards { id } }"}', content_type="application/json")
    )


def test_log_filter_drops_request_and_access_lines():
    from complaints.privacy import ComplaintLogFilter

    class Req:
        complaints_private = True

    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Forbidden: %s", ("/complaints/follow/",), None
    )
    record.request = Req()
    assert ComplaintLogFilter().filter(record) and record.request is None
    access = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s %s', ("POST /complaints/new/ HTTP/1.1", 200, 10), None
    )
    assert not ComplaintLogFilter().filter(access)
