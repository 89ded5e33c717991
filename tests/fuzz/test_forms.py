"""Fuzzing every public form, query string, path parameter and JSON endpoint outside the admin: never a 500, never a
stack trace; webhooks with a missing or wrong signature answer 403 (404 for an unknown gateway)."""

import urllib.parse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from tests.fuzz import strategies as hostile
from tests.fuzz.conftest import FUZZ, fail, send

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def segment(text):
    """A path segment as a client would percent-encode it (NUL and invalid UTF-8 included)."""
    return urllib.parse.quote(hostile.to_bytes(text), safe="") or "x"


def segments(known=()):
    return st.one_of(st.sampled_from(list(known) or ["x"]), hostile.texts(40), hostile.numbers())


def post_form(client, path, pairs, **extra):
    return client.post(path, hostile.urlencoded(pairs), content_type=FORM, **extra)


def multipart(pairs, uploads):
    """Test-client data for a multipart post; lone surrogates cannot be multipart-encoded, so they become U+FFFD
    there (the urlencoded targets send them raw)."""
    data = {}
    for name, value in pairs:
        data.setdefault(hostile.to_bytes(str(name)).decode("utf-8", "replace"), []).append(
            hostile.to_bytes(str(value)).decode("utf-8", "replace")
        )
    for field, (name, body, content_type) in uploads:
        upload = SimpleUploadedFile(hostile.to_bytes(name).decode("utf-8", "replace"), body, content_type=content_type)
        data.setdefault(field, []).append(upload)
    return data


# --- complaints ---------------------------------------------------------------------------------------------------

COMPLAINT_FIELDS = {
    "category": st.sampled_from(["demanding", "inaction", "other", "illegal_fee"]),
    "concerned_department": st.integers(1, 6).map(str),
    "concerned_person": st.sampled_from(["李四", "张科长", ""]),
    "related_reference": st.sampled_from(["", "SP20240101000001"]),
    "description": st.sampled_from(["窗口人员索要好处费，多次刁难群众。", "办事拖延超过一个月没有任何答复。"]),
    "is_anonymous": st.sampled_from(["1", "0", "true"]),
    "name": st.sampled_from(["王五", ""]),
    "phone": st.sampled_from(["13912345678", "+8613912345678", "12345"]),
}


@given(
    pairs=hostile.form(COMPLAINT_FIELDS),
    uploads=st.lists(st.tuples(st.just("attachments"), hostile.files()), max_size=4),
    json_answer=st.booleans(),
)
@FUZZ
def test_complaint_intake(seed, client, pairs, uploads, json_answer):
    accept = {"HTTP_ACCEPT": "application/json"} if json_answer else {}
    send("complaints: intake (multipart)", lambda: client.post("/complaints/new/", multipart(pairs, uploads), **accept))


@given(pairs=hostile.form(COMPLAINT_FIELDS), json_answer=st.booleans())
@FUZZ
def test_complaint_intake_urlencoded(seed, client, pairs, json_answer):
    accept = {"HTTP_ACCEPT": "application/json"} if json_answer else {}
    send("complaints: intake (urlencoded)", lambda: post_form(client, "/complaints/new/", pairs, **accept))


@given(data=st.data())
@FUZZ
def test_complaint_follow(seed, client, data):
    fields = {
        "reference": st.just(seed.complaint.reference),
        "receipt": st.just(seed.receipt),
        "body": st.sampled_from(["请问处理进展如何？", "补充一条线索。"]),
    }
    pairs = data.draw(hostile.form(fields))
    send("complaints: follow with receipt", lambda: post_form(client, "/complaints/follow/", pairs))


@given(data=st.data())
@FUZZ
def test_complaint_case_pages(seed, client, data):
    reference = data.draw(segments([seed.complaint.reference]))
    query = hostile.query_string(data.draw(hostile.form({"stop": st.sampled_from(["1", "0"])})))
    path = f"/complaints/cases/{segment(reference)}/?{query}"
    if data.draw(st.booleans()):
        fields = {
            "phone": st.sampled_from(["13912345678", "+8613912345678"]),
            "code": st.sampled_from(["", "123456"]),
            "stop": st.sampled_from(["1", ""]),
        }
        pairs = data.draw(hostile.form(fields))
        send("complaints: public case page", lambda: post_form(client, path, pairs))
    else:
        send("complaints: public case page", lambda: client.get(path))
    send("complaints: public case page", lambda: client.get(f"/complaints/cases/?{query}"))


# --- approvals ----------------------------------------------------------------------------------------------------

CATALOGUE_FIELDS = {
    "q": st.sampled_from(["食品", "QH-SJJ", "许可"]),
    "department": st.integers(1, 6).map(str),
    "theme": st.sampled_from(["business", "", "x"]),
    "page": st.sampled_from(["1", "2", "last", "0"]),
}


@given(pairs=hostile.form(CATALOGUE_FIELDS), as_json=st.booleans())
@FUZZ
def test_catalogue_query_params(seed, client, pairs, as_json):
    path = "/approvals/catalogue.json" if as_json else "/approvals/"
    send("approvals: catalogue query", lambda: client.get(f"{path}?{hostile.query_string(pairs)}"))


@given(data=st.data())
@FUZZ
def test_approval_item_paths(seed, client, data):
    code = segment(data.draw(segments([seed.item.code])))
    number = segment(data.draw(segments([seed.application.tracking_number])))
    pk = segment(data.draw(segments(["1", "2"])))
    path = data.draw(
        st.sampled_from(
            [
                f"/approvals/items/{code}/",
                f"/approvals/items/{code}/flowchart.svg",
                f"/approvals/items/{code}/apply/",
                f"/approvals/track/{number}/",
                f"/approvals/results/{number}/",
                f"/approvals/files/{pk}/",
                f"/approvals/track/?number={number}",
            ]
        )
    )
    send("approvals: path parameters", lambda: client.get(path))


@given(data=st.data())
@FUZZ
def test_approval_application_form(seed, client, data):
    fields = {
        "service_centre": st.just(str(seed.centre.pk)),
        "applicant_kind": st.sampled_from(["person", "company"]),
        "applicant_name": st.sampled_from(["张三", "清河食品有限公司"]),
        "applicant_phone": st.sampled_from(["13912345678", "+8613912345678"]),
        "organisation_code": st.sampled_from(["", "91330100MA27XXXX1X"]),
        "description": st.sampled_from(["", "开一家面馆"]),
    }
    pairs = data.draw(hostile.form(fields))
    names = [f"material_{m.pk}" for m in seed.materials] + ["material_999", "attachments"]
    uploads = data.draw(st.lists(st.tuples(st.sampled_from(names), hostile.files()), max_size=4))
    path = f"/approvals/items/{seed.item.code}/apply/"
    send("approvals: application form", lambda: client.post(path, multipart(pairs, uploads)))


@given(data=st.data())
@FUZZ
def test_approval_tracking(seed, client, data):
    fields = {
        "tracking_number": st.just(seed.application.tracking_number),
        "code": st.sampled_from([seed.tracking_code, "000000"]),
    }
    pairs = data.draw(hostile.form(fields))
    send("approvals: tracking lookup", lambda: post_form(client, "/approvals/track/", pairs))


@given(data=st.data())
@FUZZ
def test_approval_tracking_actions(seed, client, data):
    """With the case opened (tracking number and code), the applicant's own actions on it."""
    number = seed.application.tracking_number
    opened = post_form(client, "/approvals/track/", [("tracking_number", number), ("code", seed.tracking_code)])
    assert opened.status_code == 302
    fields = {
        "action": st.sampled_from(["supplement", "rate", "withdraw", ""]),
        "rating": st.sampled_from(["1", "5", "6", "-1"]),
        "comment": st.sampled_from(["", "很好"]),
        "reason": st.sampled_from(["", "不办了"]),
    }
    pairs = data.draw(hostile.form(fields))
    uploads = data.draw(st.lists(st.tuples(st.sampled_from(["file_0", "file_1"]), hostile.files()), max_size=2))
    send(
        "approvals: tracked case actions", lambda: client.post(f"/approvals/track/{number}/", multipart(pairs, uploads))
    )


# --- site search, pages, forum, login ------------------------------------------------------------------------------


@given(pairs=hostile.form({"q": st.sampled_from(["廉政", "八项规定", "测验"]), "page": st.sampled_from(["1", "2"])}))
@FUZZ
def test_site_search(seed, client, pairs):
    send("site search", lambda: client.get(f"/search/?{hostile.query_string(pairs)}"))


@given(data=st.data())
@FUZZ
def test_pages_with_query_params(seed, client, data):
    """Wagtail pages (home, forum board and topic, quiz) and the app shell with arbitrary query strings."""
    base = data.draw(
        st.sampled_from(
            ["/", seed.board.url, f"{seed.board.url}topics/{seed.topic.pk}/", seed.quiz.url, "/complaints/", "/app/"]
        )
    )
    pairs = data.draw(hostile.form({"page": st.sampled_from(["1", "2"]), "tag": st.just("廉政"), "stop": st.just("1")}))
    send("pages: query parameters", lambda: client.get(f"{base}?{hostile.query_string(pairs)}"))


@given(data=st.data(), audience=st.sampled_from(["anonymous", "cadre"]))
@FUZZ
def test_forum_forms(seed, clients, data, audience):
    client = clients[audience]
    board = seed.board.url
    target = data.draw(
        st.sampled_from(
            [
                (board, {"title": st.just("关于八项规定"), "body": st.just("学习心得")}),
                (f"{board}topics/{seed.topic.pk}/", {"body": st.just("同意楼上")}),
                (
                    f"{board}posts/{seed.post.pk}/report/",
                    {"reason": st.sampled_from(["spam", "abuse", "other"]), "note": st.just("广告")},
                ),
                (f"{board}posts/{segment(data.draw(segments()))}/report/", {"reason": st.just("spam")}),
            ]
        )
    )
    path, fields = target
    pairs = data.draw(hostile.form(fields))
    send(f"forum: post, reply, report ({audience})", lambda: post_form(client, path, pairs))


@given(data=st.data())
@FUZZ
def test_login(seed, client, data):
    fields = {
        "username": st.sampled_from(["fuzz-cadre", "nobody"]),
        "password": st.sampled_from(["pw-fuzz-123456", "wrong"]),
        "next": st.sampled_from(["/", "/app/", "https://evil.example/", "//evil.example"]),
    }
    pairs = data.draw(hostile.form(fields))
    query = hostile.query_string(data.draw(hostile.form({"next": st.just("/forum/")}, extra=False)))
    send("login", lambda: post_form(client, f"/accounts/login/?{query}", pairs))


@given(data=st.data())
@FUZZ
def test_phone_login(seed, client, data):
    fields = {
        "phone": st.sampled_from(["13800138000", "+8613800138000", "12345", ""]),
        "code": st.sampled_from(["123456", "", "12345678"]),
        "action": st.sampled_from(["request", "verify", "other"]),
        "next": st.sampled_from(["/", "/app/", "https://evil.example/", "//evil.example"]),
    }
    pairs = data.draw(hostile.form(fields))
    query = hostile.query_string(data.draw(hostile.form({"next": st.just("/forum/")}, extra=False)))
    send("phone login", lambda: post_form(client, f"/accounts/phone/?{query}", pairs))


@given(data=st.data())
@FUZZ
def test_small_public_endpoints(seed, client, data):
    code = segment(data.draw(segments(["abc123"])))
    path = data.draw(
        st.sampled_from(
            [f"/q/{code}", f"/s/{code}", f"/app/{code}", "/app/sw.js", "/app/manifest.webmanifest", "/api/csrf/"]
        )
    )
    send("small public endpoints", lambda: client.get(path))
    pairs = data.draw(hostile.form({"language": st.sampled_from(["en", "zh-hans"]), "next": st.just("/")}))
    send("small public endpoints", lambda: post_form(client, "/i18n/setlang/", pairs))


# --- SMS webhooks -------------------------------------------------------------------------------------------------

WEBHOOK_FIELDS = {
    "MessageSid": st.sampled_from(["SM00000000000000000000000000000001", ""]),
    "MessageStatus": st.sampled_from(["delivered", "failed", "undelivered", "sent"]),
    "ErrorCode": st.sampled_from(["", "30003"]),
    "From": st.sampled_from(["+8613800000001", "+15005550006"]),
    "To": st.just("+15005550006"),
    "Body": st.sampled_from(["TD", "退订", "A", "1"]),
}


@given(
    pairs=hostile.form(WEBHOOK_FIELDS),
    gateway=st.sampled_from(["twilio", "console", "base", "nope"]),
    kind=st.sampled_from(["status", "inbound"]),
    signature=st.one_of(st.none(), hostile.texts(40)),
)
@FUZZ
def test_sms_webhooks_refuse_bad_signatures(seed, client, settings, pairs, gateway, kind, signature):
    settings.TWILIO_AUTH_TOKEN = "fuzz-token"
    headers = {} if signature is None else {"HTTP_X_TWILIO_SIGNATURE": hostile.to_bytes(signature).decode("latin-1")}
    target = "sms webhooks: bad signature"
    response, _text = send(target, lambda: post_form(client, f"/sms/webhooks/{gateway}/{kind}/", pairs, **headers))
    expected = 403 if gateway in ("twilio", "console") else 404
    if response.status_code != expected:
        fail(target, f"HTTP {response.status_code} for gateway {gateway!r} (expected {expected})")


@given(pairs=hostile.form(WEBHOOK_FIELDS), kind=st.sampled_from(["status", "inbound"]))
@FUZZ
def test_sms_webhooks_signed_payloads(seed, client, fake_twilio, pairs, kind):
    """Signed correctly (as by the provider), whatever the payload: understood or ignored, answered 200. Replies
    go to the fake Twilio server."""
    url = f"http://testserver/sms/webhooks/twilio/{kind}/"
    body = hostile.urlencoded(pairs)
    parsed = {}
    for name, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        parsed.setdefault(name, []).append(value)
    # Twilio signs the first value of each name, as Django's QueryDict.get hands it to the validator.
    signature = RequestValidator(fake_twilio.auth_token).compute_signature(url, {k: v[-1] for k, v in parsed.items()})
    target = "sms webhooks: signed payload"
    response, _text = send(target, lambda: client.post(url, body, content_type=FORM, HTTP_X_TWILIO_SIGNATURE=signature))
    if response.status_code not in (200, 403):
        fail(target, f"HTTP {response.status_code}")
