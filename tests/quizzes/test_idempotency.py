import uuid

import pytest

from quizzes.models import Attempt
from tests.quizzes.test_api import START, letters_right, player, timed  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

ANSWER = """mutation($a: ID!, $q: ID!, $c: [String!]!, $k: String) {
  answerQuizQuestion(attemptId: $a, questionId: $q, choices: $c, idempotencyKey: $k) { ok
  errors { code } attempt { score answeredCount } feedback { isCorrect points chosen } } }"""


def test_a_resent_answer_is_scored_once_and_gets_the_first_feedback(timed, player, gql):  # noqa: F811
    started = gql(START, {"quiz": timed.pk})["data"]["startQuizAttempt"]
    attempt = Attempt.objects.get(pk=started["attempt"]["id"])
    item = attempt.items.get(pk=started["question"]["id"])
    variables = {"a": attempt.pk, "q": item.pk, "c": letters_right(item), "k": uuid.uuid4().hex}
    first = gql(ANSWER, variables)["data"]["answerQuizQuestion"]
    again = gql(ANSWER, variables)["data"]["answerQuizQuestion"]
    assert first["ok"] and first["feedback"]["isCorrect"] and again == first
    assert again["attempt"]["answeredCount"] == 1
    attempt.refresh_from_db()
    assert attempt.score == first["attempt"]["score"]
    assert attempt.items.filter(answered_at__isnull=False).count() == 1
    # Without the key (or with another) the second answer is refused as before.
    refused = gql(ANSWER, {**variables, "k": uuid.uuid4().hex})["data"]["answerQuizQuestion"]
    assert refused["errors"][0]["code"] == "ALREADY_ANSWERED"
