"""Each 500 the fuzzers found, as the concrete input that caused it, with the answer a client now gets."""

import json

import pytest
from django.conf import settings

from cms.models import SectionPage

pytestmark = pytest.mark.django_db


def gql(client, query, variables=None):
    response = client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def codes(answer):
    return [(error.get("extensions") or {}).get("code") for error in answer.get("errors", [])]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ board(id: "") { board { title } } }', None),  # ValueError: Field 'id' expected a number but got ''
        ('{ topic(id: "abc") { topic { title } } }', None),
        ('{ quiz(id: "1 OR 1=1") { title } }', None),
        ("query($id: ID!) { board(id: $id) { board { title } } }", {"id": "99999999999999999999999"}),
        ('mutation { reply(topicId: "-1", body: "x") { ok } }', None),
        ('{ pages(parent: "x") { id } }', None),
    ],
)
def test_an_id_that_is_no_key_is_refused_as_invalid(seed, english, query, variables):
    answer = gql(english, query, variables)
    assert codes(answer) == ["invalid"]
    assert "ID" in answer["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (
            'mutation($d: String!) { submitComplaint(category: "other", description: $d, concernedPerson: "李四") '
            "{ ok } }",
            {"d": "窗口人员索要好处费\x00，情节属实。"},  # PostgreSQL: ValueError, NUL in a string literal
        ),
        ('{ approvalItem(code: "QH\\u0000") { name } }', None),
        ("query($q: String!) { search(query: $q) { total } }", {"q": "廉政\ud800"}),  # UnicodeEncodeError
        (
            'mutation($n: String!) { trackApplication(trackingNumber: $n, code: "1") { ok } }',
            {"n": "\udfff"},
        ),
        (
            "mutation($c: [String!]!) { answerQuizQuestion(attemptId: 1, questionId: 1, choices: $c) { ok } }",
            {"c": ["A\x00"]},
        ),
    ],
)
def test_text_with_nul_or_a_lone_surrogate_is_refused(seed, english, query, variables):
    answer = gql(english, query, variables)
    assert codes(answer) == ["invalid"]
    assert "characters that are not allowed" in answer["errors"][0]["message"]


def test_an_id_given_as_a_number_still_works(seed, client):
    answer = gql(client, "query($id: ID!) { board(id: $id) { board { title } } }", {"id": seed.board.pk})
    assert "errors" not in answer
    assert answer["data"]["board"]["board"]["title"] == seed.board.title


@pytest.mark.parametrize(
    "query",
    [
        '{ pages(order: "nope") { id } }',  # FieldError: Cannot resolve keyword 'nope'
        '{ pages(order: "-") { id } }',
        '{ pages(order: "owner__password") { id } }',  # would have ordered pages by their owner's password hash
        '{ pages(contentType: "x") { id } }',  # ValueError: not enough values to unpack
        '{ pages(contentType: "a.b.c") { id } }',
        '{ page(contentType: "cms") { id } }',
        '{ pages(site: "::::") { id } }',  # ValueError: Field 'port' expected a number
    ],
)
def test_grapple_page_filters_are_checked_before_the_orm_sees_them(seed, client, query):
    answer = gql(client, query)
    assert codes(answer) == ["invalid"]


def test_valid_page_filters_still_filter(seed, client):
    section = SectionPage(title="警示案例", slug="cases", kind=SectionPage.Kind.WARNING_CASES)
    seed.home.add_child(instance=section)
    answer = gql(client, '{ pages(order: "-title", contentType: "cms.sectionpage, cms.homepage") { title } }')
    assert "errors" not in answer
    assert [page["title"] for page in answer["data"]["pages"]] == sorted([section.title, seed.home.title])[::-1]
    assert gql(client, '{ pages(contentType: "cms.nosuchpage") { id } }') == {"data": {"pages": []}}
    assert gql(client, '{ page(contentType: "cms.nosuchpage", slug: "fuzz-quiz") { id } }') == {"data": {"page": None}}


def test_pages_leave_out_the_page_types_the_api_has_no_type_for(seed, client):
    """A forum board or a quiz page made `pages` fail whole ("Expected value of type 'Page'")."""
    answer = gql(client, "{ pages { title } }")
    assert "errors" not in answer
    assert [page["title"] for page in answer["data"]["pages"]] == [seed.home.title]
    assert gql(client, '{ page(slug: "fuzz-quiz") { title } }') == {"data": {"page": None}}
    assert gql(client, '{ pages(contentType: "quizzes.quizpage") { title } }') == {"data": {"pages": []}}


@pytest.mark.parametrize("token", ["abc", "id=abc", "id=99999", "page_type=x", "a=b=c:d", ";;:"])
def test_a_preview_token_that_does_not_parse_finds_no_page(seed, client, token):
    assert gql(client, "query($t: String) { page(token: $t) { id } }", {"t": token}) == {"data": {"page": None}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"query": "{ home { title } }", "variables": ["1"]}, "Variables must be a JSON object."),  # TypeError
        ({"query": "{ home { title } }", "variables": 5}, "Variables must be a JSON object."),
        ({"query": 5}, "The query must be a string."),
        ({"query": ["{ home { title } }"]}, "The query must be a string."),
        ({"query": "{ home { title } }", "operationName": {"a": 1}}, "The operation name must be a string."),
    ],
)
def test_a_request_of_the_wrong_shape_is_a_400_with_a_message(english, body, message):
    response = english.post("/graphql/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == message
