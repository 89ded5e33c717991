import json

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_post_without_csrf_token_is_refused_and_with_it_works(csrf_client):
    body = json.dumps({"query": "{ boards { id } }"})
    assert csrf_client.post("/graphql/", body, content_type="application/json").status_code == 403
    token = csrf_client.get("/api/csrf/").json()["csrfToken"]
    response = csrf_client.post("/graphql/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json() == {"data": {"boards": []}}


def _post(client, body):
    return client.post("/graphql/", body, content_type="application/json")


def test_malformed_json_is_a_400(client):
    response = _post(client, "{not json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


def test_a_mutation_by_get_is_a_400(client):
    response = client.get("/graphql/", {"query": "mutation { logout { ok } }"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400


def test_a_huge_query_is_refused(client):
    query = "{ boards { id } }" + " " * 11 * 1024
    response = _post(client, json.dumps({"query": query}))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "too_large"


def test_a_deep_query_is_refused(client):
    inner = "id"
    for _i in range(12):
        inner = f"children {{ {inner} }}"
    response = _post(client, json.dumps({"query": f"{{ pages {{ {inner} }} }}"}))
    assert response.status_code == 400
    refusal = response.json()["errors"][0]
    assert refusal["extensions"]["code"] == "too_deep"
    assert refusal["message"] == "查询的嵌套超过 10 层（深度限制），请一次少请求一些内容。"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _post(client, json.dumps({"query": f"{{ pages {{ {inner} }} }}"}))
    assert "nested more than 10 levels deep" in english.json()["errors"][0]["message"]


def test_too_many_fields_are_refused(client):
    fields = " ".join(f"a{i}: id" for i in range(301))
    response = _post(client, json.dumps({"query": f"{{ boards {{ {fields} }} }}"}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "too_complex"


INTROSPECTION = json.dumps({"query": "{ __schema { queryType { name } } }"})


def test_introspection_is_off_in_production(client, settings):
    settings.DEBUG = False
    response = _post(client, INTROSPECTION)
    assert response.status_code == 400
    assert "introspection" in response.json()["errors"][0]["message"].lower()


def test_introspection_works_in_debug(client, settings):
    settings.DEBUG = True
    assert _post(client, INTROSPECTION).json()["data"]["__schema"]["queryType"]["name"] == "Query"


def test_an_unexpected_error_gives_a_generic_message(client, monkeypatch, caplog):
    from forum import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "boards", broken)
    response = _post(client, json.dumps({"query": "{ boards { id } }"}))
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert "secret" not in json.dumps(response.json())
    assert error["extensions"]["code"] == "internal_error"
    assert "secret internals" in caplog.text


def test_grapple_listings_of_the_whole_cms_are_not_exposed(client):
    for field in ("documents { id }", "images { id }", "redirects { oldPath }"):
        assert _post(client, json.dumps({"query": f"{{ {field} }}"})).status_code == 400


def test_graphiql_is_off_without_debug(client, settings):
    settings.DEBUG = False
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert b"graphiql" not in response.content.lower()


def test_the_client_address_is_only_kept_as_an_hmac(client, cache_keys):
    _post(client, json.dumps({"query": 'mutation { requestCode(phone: "13800138999") { ok } }'}))
    keys = cache_keys()
    assert any("api:rate:request_code:ip:" in key for key in keys)
    assert not any("127.0.0.1" in key for key in keys)
