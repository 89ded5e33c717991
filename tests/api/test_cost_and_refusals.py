"""GraphQL robustness and cost: documents the spec rejects never crash our rules; cost by weight, aliases and list
sizes; refusals on /graphql/ and /api/ in JSON, in the client's language."""

import json
import re
from pathlib import Path

import graphql
import pytest

from api.core import security
from api.schema import schema

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _post(client, query, variables=None, **headers):
    body = json.dumps({"query": query, "variables": variables or {}})
    return client.post("/graphql/", body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    "query",
    [
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        "query { ...A } fragment A on Query { ...A }",
        "query { ...A } fragment A on Query { home { title } ... on Query { ...B } } fragment B on Query { ...A }",
        "query { ...Nowhere }",
        "query A { home { title } } query A { me { username } }",
        "query { ...A } fragment A on Query { home { title } } fragment A on Query { me { username } }",
        "query($q: String!, $q: Int) { search(query: $q) { total } }",
        "query($q: Int) { search(query: $q) { total } }",
        "query($q: Strin!) { search(query: $q) { total } }",
    ],
)
def test_documents_the_spec_rejects_are_a_clean_400(client, query):
    response = _post(client, query, {"q": "廉政"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all(error["message"] for error in errors)


def test_many_aliased_searches_are_refused_by_cost_before_any_search_runs(client, monkeypatch):
    from cms import search as site_search

    runs = []
    monkeypatch.setattr(site_search, "search", lambda *a, **k: runs.append(1))
    query = "{ " + " ".join(f's{i}: search(query: "廉政") {{ total }}' for i in range(140)) + " }"
    assert len(query) < 7 * 1024
    response = _post(client, query)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "too_costly"
    assert str(security.settings.GRAPHQL_MAX_COST) in error["message"]
    assert error["extensions"]["maxCost"] == security.settings.GRAPHQL_MAX_COST
    assert runs == []


def test_list_sizes_multiply_and_variables_count_as_sent(client, settings):
    settings.GRAPHQL_MAX_COST = 500
    query = "query($n: PositiveInt) { pages(limit: $n) { title children(limit: $n) { title } } }"
    assert _post(client, query, {"n": 5}).status_code == 200
    refused = _post(client, query, {"n": 50})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "too_costly"


def _app_queries():
    """Every GraphQL document the app ships (frontend/static/frontend), fragments substituted."""
    files = {
        path.relative_to(ROOT).as_posix(): dict(re.findall(r"const (\w+) = `([^`]*)`", path.read_text()))
        for path in sorted((ROOT / "frontend" / "static" / "frontend").rglob("*.js"))
    }
    shared = {name: text for constants in files.values() for name, text in constants.items()}
    documents = {}
    for path, constants in files.items():
        for name, text in constants.items():
            for _round in range(3):
                text = re.sub(
                    r"\$\{(\w+)\}", lambda m, c=constants: c.get(m.group(1), shared.get(m.group(1), m.group(0))), text
                )
            if re.match(r"\s*(query|mutation|\{)", text) and "${" not in text:
                documents[f"{path}:{name}"] = text
    return documents


def test_every_query_the_app_ships_is_within_every_limit():
    documents = _app_queries()
    assert len(documents) >= 20
    for name, text in documents.items():
        errors = graphql.validate(schema.graphql_schema, graphql.parse(text), security.validation_rules())
        assert not errors, (name, [e.message for e in errors])


def test_a_csrf_failure_is_json_in_the_clients_language(csrf_client):
    response = _post(csrf_client, "{ boards { id } }", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "csrf_failed"
    assert "安全" in error["message"] or "令牌" in error["message"]
    english = _post(csrf_client, "{ boards { id } }", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()
    assert "token" in english["errors"][0]["message"]


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("get", "/api/nothing-here/", 404, "not_found"),
        ("post", "/api/csrf/", 405, "method_not_allowed"),
        ("put", "/graphql/", 405, "method_not_allowed"),
        ("delete", "/api/csrf/", 405, "method_not_allowed"),
    ],
)
def test_refusals_on_the_api_are_json(client, method, path, status, code):
    response = getattr(client, method)(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == code


def test_a_body_over_the_limit_is_a_json_413_unread(client, settings):
    response = client.generic(
        "POST", "/graphql/", b"x" * (settings.GRAPHQL_MAX_BODY_BYTES + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "too_large"


def test_every_document_the_app_sends_is_in_the_allow_list():
    from api.core import persisted

    documents, unreadable = persisted.app_documents()
    assert unreadable == []
    assert len(documents) >= 30
    assert "views/home.js:HOME" in documents and "views/complaints.js:FOLLOW" in documents


def test_anonymous_clients_send_only_the_apps_documents_signed_in_users_anything(client, settings, django_user_model):
    from api.core import persisted

    settings.GRAPHQL_PERSISTED_ONLY = True
    documents, _unreadable = persisted.app_documents()
    # The app's own document, whitespace compacted as its GET requests do: accepted.
    boards = " ".join(documents["views/forum.js:BOARDS"].split())
    assert "errors" not in _post(client, boards).json()
    ad_hoc = "{ boards { id } }"
    refused = _post(client, ad_hoc)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "not_persisted"
    client.force_login(django_user_model.objects.create_user("cadre-1"))
    assert _post(client, ad_hoc).json() == {"data": {"boards": []}}


def _csrf_client():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32  # the app has its cookie; Django then reads a form body for the token
    return client


@pytest.mark.parametrize(
    ("language", "words"), [("en", "The request is too large: at most 10 KB."), ("zh-hans", "请求过大：最多 10 KB。")]
)
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=B"])
def test_a_form_body_over_the_limit_is_a_json_413_in_the_clients_language(settings, content_type, language, words):
    body = b"query=" + b"x" * (settings.GRAPHQL_MAX_BODY_BYTES + 1)
    response = _csrf_client().generic(
        "POST", "/graphql/", body, content_type=content_type, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "too_large" and error["message"] == words


def test_a_body_over_djangos_memory_limit_is_a_json_413_on_every_api_path(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048  # below the GraphQL limit: the privacy middleware reads first
    body = b'{"query": "{ publicCases { reference } }", "x": "' + b"x" * 4096 + b'"}'
    for path in ("/graphql/", "/api/csrf/"):
        response = _csrf_client().generic(
            "POST", path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 413 and response["Content-Type"].startswith("application/json"), path
        assert response.json()["errors"][0]["extensions"]["code"] == "too_large"
        assert "at most 2 KB" in response.json()["errors"][0]["message"]


def test_a_document_is_validated_once_and_a_refusal_every_time(client, settings, monkeypatch):
    """api/core/documents.py: the app's documents skip parsing and validation after the first time; a refused one
    is validated (and refused, in the asker's language) again; changed limits take effect at once."""
    from api.core import documents

    documents.forget()
    calls = []
    real = security.validation_rules
    monkeypatch.setattr(security, "validation_rules", lambda *args: calls.append(args) or real(*args))
    deep = "{ home { sections { latest { cover { rendition(width: 320) { url } } } } } }"
    for _ in range(3):
        assert "errors" not in _post(client, deep).json()
    assert len(calls) == 1
    settings.GRAPHQL_MAX_DEPTH = 3
    for _ in range(2):
        response = _post(client, deep)
        assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "too_deep"
    assert len(calls) == 3
    # A list's size sent as a variable is part of what was validated: a larger one is costed again.
    settings.GRAPHQL_MAX_DEPTH = 10
    sized = "query($s: Int) { approvalItems(pageSize: $s) { items { code } } }"
    _post(client, sized, {"s": 5})
    _post(client, sized, {"s": 5})
    _post(client, sized, {"s": 6})
    assert len(calls) == 5
