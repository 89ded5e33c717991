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


# --- public pages and webhooks (these failed on PostgreSQL, which refuses NUL in text and overlong varchars) ------


@pytest.mark.parametrize(
    "path",
    [
        "/complaints/cases/TS%00/",  # DataError: PostgreSQL text fields cannot contain NUL (0x00) bytes
        "/approvals/items/QH-SJJ-001%00/",
        "/approvals/items/%00/apply/",
        "/approvals/track/SP%00/",
        "/approvals/results/%00/",
        "/q/%00",
        "/s/abc%00",
        "/complaints/cases/%1B%5B31m/",
    ],
)
def test_a_path_parameter_with_a_control_character_is_not_found(seed, client, path):
    assert client.get(path).status_code == 404


def test_a_path_parameter_without_control_characters_still_resolves(seed, client):
    assert client.get(f"/approvals/items/{seed.item.code}/").status_code == 200
    assert client.get("/complaints/cases/TS-NO-SUCH-CASE/").status_code == 404


def _signed_post(client, kind, pairs):
    from twilio.request_validator import RequestValidator

    url = f"http://testserver/sms/webhooks/twilio/{kind}/"
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, dict(pairs))
    return client.post(url, dict(pairs), HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def twilio_token(fake_twilio):
    """Replies to inbound messages go to the fake Twilio server, never to the internet."""
    return fake_twilio


def test_a_signed_inbound_sms_from_no_phone_number_is_ignored(seed, client, twilio_token):
    from sms.models import Message

    # StringDataRightTruncation: value too long for type character varying(128) (the phone column)
    response = _signed_post(client, "inbound", {"From": "字" * 200, "Body": "TD", "MessageSid": "SM1"})
    assert response.status_code == 200
    assert not Message.objects.filter(direction="in").exists()


def test_a_signed_inbound_sms_loses_its_nul_characters(seed, client, twilio_token):
    from sms.models import Message

    # DataError: PostgreSQL text fields cannot contain NUL (0x00) bytes (the body column)
    response = _signed_post(client, "inbound", {"From": "13800000009", "Body": "退\x00订", "MessageSid": "SM2"})
    assert response.status_code == 200
    message = Message.objects.get(direction="in")
    assert (str(message.phone), message.body) == ("+8613800000009", "退订")


@pytest.mark.parametrize("sid", ["S" * 65, "SM\x00", "SM 1"])
def test_a_signed_status_report_with_a_malformed_message_id_is_ignored(seed, client, twilio_token, sid):
    response = _signed_post(client, "status", {"MessageSid": sid, "MessageStatus": "delivered", "ErrorCode": "1" * 30})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["廉政%00", "%00", "a%00b%00c", "%ED%A0%80"])
def test_site_search_treats_control_characters_as_spaces(seed, client, query):
    # PostgreSQL: DataError, NUL in the LIKE pattern of a search term
    response = client.get(f"/search/?q={query}")
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


def test_search_terms_are_split_at_control_characters():
    from cms.search import parse_query

    assert parse_query("廉政\x00八项规定\ud800") == ["廉政", "八项规定"]


@pytest.mark.parametrize("page", ["99999999999999999999999999999", str(2**63), "1e309"])
def test_site_search_with_a_page_number_past_64_bits_is_answered(seed, client, page):
    # IntegrityError: datatype mismatch (SQLite), the OFFSET of a page number past 64 bits
    from cms.search import MAX_PAGE_NUMBER, search

    response = client.get(f"/search/?q=测验&page={page}")
    assert response.status_code == 200
    assert search("测验", page_number=page).page.number <= MAX_PAGE_NUMBER


def test_an_explicit_null_for_an_argument_with_a_default_means_the_default(seed, clients):
    # TypeError: 'NoneType' object is not subscriptable (reportPost's note[:500]), found as cadre by `make fuzz`
    query = f'mutation {{ reportPost(postId: "{seed.post.pk}", reason: SPAM, note: null) {{ ok errors {{ code }} }} }}'
    answer = gql(clients["cadre"], query)
    assert answer == {"data": {"reportPost": {"ok": True, "errors": []}}}
    query = (
        'mutation { submitComplaint(category: "other", description: "窗口人员索要好处费，情节属实。", '
        "concernedPerson: null, concernedDepartmentId: null, name: null, phone: null, relatedReference: null, "
        "anonymous: null) { ok errors { field code } } }"
    )
    assert codes(gql(clients["anonymous"], query)) == []
