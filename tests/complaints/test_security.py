"""A reporter's identity is unreachable for staff not assigned; receipts cannot be guessed; script is escaped."""

import json

import pytest
from django.test import override_settings

from complaints import services
from complaints.models import Complaint, RevealRecord

pytestmark = pytest.mark.django_db
NAME, PHONE = "陈小明", "13912345678"


@pytest.fixture
def named(submit, investigator):
    complaint = submit(
        is_anonymous="0", name=NAME, phone=PHONE, description="<script>alert('x')</script> 索要好处费两千元"
    ).complaint
    services.assign(complaint, investigator, [investigator])
    return complaint


def _no_identity(content):
    text = content.decode()
    assert NAME not in text and PHONE not in text and "+86139" not in text


@pytest.mark.parametrize("who", ["other_investigator", "supervisor"])
def test_admin_pages_and_export_never_show_identity_to_others(client, named, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in ("/admin/complaints/", f"/admin/complaints/{named.pk}/", "/admin/complaints/statistics/?format=csv"):
        response = client.get(url)
        assert response.status_code in (200, 403)
        _no_identity(response.content)
    # Wagtail answers a refused admin request with a redirect to the dashboard and a message.
    response = client.post(f"/admin/complaints/{named.pk}/", {"action": "reveal", "reason": "好奇"}, follow=True)
    _no_identity(response.content)
    assert not RevealRecord.objects.exists()


def test_assigned_investigator_reveals_with_reason(client, named, investigator, supervisor):
    client.force_login(investigator)
    page = client.get(f"/admin/complaints/{named.pk}/")
    _no_identity(page.content)
    assert b"Reveal reporter identity" in page.content or b"reveal" in page.content
    response = client.post(f"/admin/complaints/{named.pk}/", {"action": "reveal", "reason": "电话核实"})
    assert response.status_code == 200 and NAME in response.content.decode()
    client.force_login(supervisor)
    log = client.get("/admin/complaints/reveals/")
    assert log.status_code == 200 and "电话核实" in log.content.decode()
    _no_identity(log.content)


def test_handler_and_anonymous_cannot_open_admin_pages(client, named, handler):
    client.force_login(handler)
    response = client.get(f"/admin/complaints/{named.pk}/")
    assert response.status_code in (302, 403) and named.reference.encode() not in response.content
    client.logout()
    assert client.get(f"/admin/complaints/{named.pk}/").status_code == 302


def test_graphql_has_no_path_to_identity(client, named, investigator):
    client.force_login(investigator)
    named.is_public = True
    named.public_title = "测试"
    named.save()
    query = "{ publicCases { items { reference title department updates { body } clarification { officialName } } } }"
    response = client.get("/graphql/", {"query": query})
    _no_identity(response.content)
    from api.schema import schema

    sdl = str(schema)
    for word in ("reporterName", "reporterPhone", "phoneEncrypted", "nameEncrypted", "investigators"):
        assert word not in sdl


def test_script_in_description_is_escaped_everywhere(client, named, investigator):
    client.force_login(investigator)
    page = client.get(f"/admin/complaints/{named.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_receipt_guessing_is_blocked(client, submit):
    submission = submit()
    reference = submission.complaint.reference
    with override_settings(COMPLAINTS_WRONG_RECEIPTS_PER_CASE=3):
        for _i in range(3):
            response = client.post("/complaints/follow/", {"reference": reference, "receipt": "123456789012345678"})
            assert response.status_code == 403
        # Now even the right receipt waits: the case is locked for the hour against guessing.
        response = client.post("/complaints/follow/", {"reference": reference, "receipt": submission.receipt})
        assert response.status_code == 429


def test_lookups_per_source_limited(client, submit):
    submission = submit()
    with override_settings(COMPLAINTS_LOOKUPS_PER_HOUR=2):
        for _i in range(2):
            client.post("/complaints/follow/", {"reference": "TS0", "receipt": "1"})
        response = client.post(
            "/complaints/follow/", {"reference": submission.complaint.reference, "receipt": submission.receipt}
        )
        assert response.status_code == 429


def test_expired_receipt_refused(client, submit, investigator):
    submission = submit()
    services.close(submission.complaint, investigator, "已办结")
    Complaint.objects.filter(pk=submission.complaint.pk).update(closed_at="2020-01-01T00:00:00+08:00")
    response = client.post(
        "/complaints/follow/", {"reference": submission.complaint.reference, "receipt": submission.receipt}
    )
    assert response.status_code == 403 and "expired" in response.content.decode() or "过期" in response.content.decode()


def test_rate_limit_keys_hold_no_address(client, submit, cache_keys):
    submission = submit()
    client.post(
        "/complaints/follow/",
        {"reference": submission.complaint.reference, "receipt": "1"},
        REMOTE_ADDR="198.51.100.23",
    )
    assert not any("198.51.100.23" in key for key in cache_keys())


def test_no_delete_permission_for_any_role(investigator, supervisor):
    for user in (investigator, supervisor):
        assert not any(perm.startswith("complaints.delete") for perm in user.get_all_permissions())


def test_graphql_follow_and_message(client, submit, investigator):
    submission = submit()
    ref = submission.complaint.reference
    follow = (
        "mutation($r: String!, $c: String!) { followComplaint(reference: $r, receip"
        "t: $c) { ok complaint { statusName messages { body } } errors { code } } }"
    )
    answer = client.post(
        "/graphql/",
        json.dumps({"query": follow, "variables": {"r": ref, "c": "0" * 18}}),
        content_type="application/json",
    ).json()
    assert answer["data"]["followComplaint"]["errors"][0]["code"] == "INVALID_RECEIPT"
    send = (
        "mutation($r: String!, $c: String!, $b: String!) { sendComplaintMes"
        "sage(reference: $r, receipt: $c, body: $b) { ok errors { code } } }"
    )
    answer = client.post(
        "/graphql/",
        json.dumps({"query": send, "variables": {"r": ref, "c": submission.receipt, "b": "补充材料"}}),
        content_type="application/json",
    ).json()
    assert answer["data"]["sendComplaintMessage"]["ok"] is True
    answer = client.post(
        "/graphql/",
        json.dumps({"query": follow, "variables": {"r": ref, "c": submission.receipt}}),
        content_type="application/json",
    ).json()
    assert answer["data"]["followComplaint"]["complaint"]["messages"] == [{"body": "补充材料"}]


def test_graphql_submit_typed_errors(client, city):
    query = 'mutation { submitComplaint(category: "nope", description: "") { ok errors { field code } } }'
    answer = client.post("/graphql/", json.dumps({"query": query}), content_type="application/json").json()
    result = answer["data"]["submitComplaint"]
    assert result["ok"] is False
    fields = {e["field"] for e in result["errors"]}
    assert {"category", "description"} <= fields


def test_public_cases_query_count_does_not_grow(client, submit, investigator, django_assert_max_num_queries):
    for i in range(6):
        complaint = submit(source=f"s{i}", concerned_person=f"人{i}").complaint
        services.acknowledge(complaint, investigator)
        services.accept(complaint, investigator)
        services.publish_update(complaint, investigator, "opened", "已立案。", public_title=f"案件{i}")
    query = (
        "{ publicCases(pageSize: 20) { items { reference title categoryName statusName departm"
        "ent updates { kindName body } clarification { officialName } } pageInfo { total } } }"
    )
    with django_assert_max_num_queries(6):
        answer = client.get("/graphql/", {"query": query}).json()
    assert len(answer["data"]["publicCases"]["items"]) == 6


def test_web_form_keeps_text_after_refusal(client, city):
    from tests.complaints.conftest import form_data

    data = form_data(city, description="太短")
    response = client.post("/complaints/new/", data)
    assert response.status_code == 400
    assert "太短" in response.content.decode() and "张某" in response.content.decode()
    assert not Complaint.objects.exists()


def test_public_pages_render(client, submit, investigator):
    complaint = submit().complaint
    for path in ("/complaints/", "/complaints/new/", "/complaints/follow/", "/complaints/cases/"):
        assert client.get(path).status_code == 200
    assert client.get(f"/complaints/cases/{complaint.reference}/").status_code == 404  # not public yet


def test_attachments_are_private_and_downloaded_only_by_staff(client, submit, investigator, handler, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.complaints.conftest import jpeg_with_gps

    complaint = submit(files=[SimpleUploadedFile("x.jpg", jpeg_with_gps())]).complaint
    attachment = complaint.attachments.get()
    assert str(settings.COMPLAINTS_PRIVATE_ROOT) in attachment.file.path
    assert str(settings.MEDIA_ROOT) not in attachment.file.path
    url = f"/admin/complaints/{complaint.pk}/attachments/{attachment.pk}/"
    client.force_login(handler)
    assert client.get(url).status_code in (302, 403)
    client.force_login(investigator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_admin_list_query_count_does_not_grow(client, submit, investigator, django_assert_max_num_queries):
    from complaints import services

    for i in range(8):
        complaint = submit(source=f"q{i}", concerned_person=f"人{i}").complaint
        services.assign(complaint, investigator, [investigator])
    client.force_login(investigator)
    with django_assert_max_num_queries(14):
        response = client.get("/admin/complaints/")
    assert response.status_code == 200 and response.content.decode().count("/admin/complaints/") >= 8


def test_invalid_submissions_are_bounded_per_source(client, city, settings):
    settings.COMPLAINTS_ATTEMPTS_PER_HOUR = 3
    for _i in range(3):
        assert client.post("/complaints/new/", {"description": "短"}).status_code == 400
    response = client.post("/complaints/new/", {"description": "这一次的描述已经足够长了，但来源已超限。"})
    assert response.status_code == 400
    assert "这一次的描述已经足够长了" in response.content.decode()  # the text is kept
    query = 'mutation { submitComplaint(category: "delay", description: "x") { ok errors { code } } }'
    answer = client.post("/graphql/", json.dumps({"query": query}), content_type="application/json").json()
    # Past the limit a source is asked for a proof of work (tests/complaints/test_challenge.py) ...
    assert answer["data"]["submitComplaint"]["errors"][0]["code"] == "CHALLENGE_REQUIRED"
    # ... up to a ceiling no challenge lifts.
    settings.COMPLAINTS_CHALLENGED_PER_HOUR = 0
    answer = client.post("/graphql/", json.dumps({"query": query}), content_type="application/json").json()
    assert answer["data"]["submitComplaint"]["errors"][0]["code"] == "RATE_LIMITED"
