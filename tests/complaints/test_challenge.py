"""Past the hourly share of a network: a proof of work instead of a refusal (core.challenge)."""

import pytest

from complaints.models import Complaint
from core import challenge
from tests.complaints.conftest import form_data


@pytest.fixture
def busy(settings):
    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 1
    settings.CHALLENGE_BITS = 8


def _post(client, city, **extra):
    return client.post("/complaints/new/", form_data(city, **extra), HTTP_ACCEPT="application/json")


def _solved(client, city):
    _post(client, city)
    asked = _post(client, city).json()
    token = asked["challenge"]["token"]
    return token, challenge.solve(token, asked["challenge"]["bits"])


def test_beyond_the_limit_without_a_solution_the_challenge_is_asked_for(client, city, busy):
    assert _post(client, city).status_code == 200
    answer = _post(client, city)
    assert answer.status_code == 400
    body = answer.json()
    assert body["errors"]["__all__"][0]["code"] == "challenge_required"
    assert body["challenge"]["bits"] == 8 and body["challenge"]["token"]
    assert "description" not in body["errors"]  # nothing marked that is not wrong
    assert Complaint.objects.count() == 1


def test_a_valid_solution_is_accepted(client, city, busy):
    token, counter = _solved(client, city)
    answer = _post(client, city, challenge_token=token, challenge_counter=counter)
    assert answer.status_code == 200 and answer.json()["ok"]
    assert Complaint.objects.count() == 2


def test_a_reused_solution_is_refused(client, city, busy):
    token, counter = _solved(client, city)
    assert _post(client, city, challenge_token=token, challenge_counter=counter).status_code == 200
    again = _post(client, city, challenge_token=token, challenge_counter=counter)
    assert again.status_code == 400
    assert again.json()["errors"]["__all__"][0]["code"] == "challenge_required"
    assert Complaint.objects.count() == 2


def _counter(token, bits, but_not=None):
    """A counter giving `bits` zero bits (and fewer than `but_not`)."""
    n = 0
    while not challenge.is_solution(token, str(n), bits) or (but_not and challenge.is_solution(token, str(n), but_not)):
        n += 1
    return str(n)


def test_forged_solutions_are_refused(client, city, busy):
    token, counter = _solved(client, city)
    other_purpose = challenge.issue("another.form", bits=8).token
    unsigned = token.rsplit(":", 1)[0] + ":forged-signature"
    too_easy = challenge.issue("complaints.intake", bits=1).token
    forged = [
        (token, next(str(n) for n in range(1000) if not challenge.is_solution(token, str(n), 8))),
        (other_purpose, _counter(other_purpose, 8)),
        (unsigned, _counter(unsigned, 8)),
        (too_easy, _counter(too_easy, 1, but_not=8)),
        (token, "1" * 30),
        ("", ""),
    ]
    for bad_token, bad_counter in forged:
        answer = _post(client, city, challenge_token=bad_token, challenge_counter=bad_counter)
        assert answer.status_code == 400, (bad_token, bad_counter)
        assert answer.json()["errors"]["__all__"][0]["code"] == "challenge_required"
    assert Complaint.objects.count() == 1
    # The genuine solution still works: the forgeries did not burn it.
    assert _post(client, city, challenge_token=token, challenge_counter=counter).status_code == 200


def test_the_page_asks_for_the_check_and_says_so_without_javascript(client, city, busy):
    client.post("/complaints/new/", form_data(city))
    page = client.post("/complaints/new/", form_data(city)).content.decode()
    assert 'name="challenge_token"' in page and "frontend/pow.js" in page
    assert "<noscript>" in page


def test_the_ceiling_no_challenge_lifts(client, city, busy, settings):
    settings.COMPLAINTS_CHALLENGED_PER_HOUR = 2
    token, counter = _solved(client, city)
    assert _post(client, city, challenge_token=token, challenge_counter=counter).status_code == 200
    refused = _post(client, city).json()
    assert refused["errors"]["__all__"][0]["code"] == "rate_limited"
    assert "challenge" not in refused


SUBMIT = """mutation($token: String, $counter: String) {
  submitComplaint(category: "demanding", description: "办理施工许可时窗口人员索要好处费。", concernedPerson: "张某",
                  challengeToken: $token, challengeCounter: $counter) {
    ok reference errors { code } challenge { token bits }
  }
}"""


def test_the_api_asks_for_and_accepts_a_challenge(client, city, busy):
    def submit(**variables):
        answer = client.post("/graphql/", {"query": SUBMIT, "variables": variables}, content_type="application/json")
        return answer.json()["data"]["submitComplaint"]

    assert submit()["ok"]
    asked = submit()
    assert not asked["ok"] and asked["errors"][0]["code"] == "CHALLENGE_REQUIRED"
    token = asked["challenge"]["token"]
    counter = challenge.solve(token, asked["challenge"]["bits"])
    assert submit(token=token, counter=counter)["ok"]
    assert submit(token=token, counter=counter)["errors"][0]["code"] == "CHALLENGE_REQUIRED"
