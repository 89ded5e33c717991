import json

import pytest

from api.quizzes.types import PlayQuestion
from quizzes.models import Attempt, AttemptState, QuizMode

START = """mutation($quiz: ID!) { startQuizAttempt(quizId: $quiz) { ok errors { field message code }
  attempt { id state questionCount } question { id position kind text options { key text } secondsLeft deadline } } }"""
NEXT = """mutation($a: ID!) { nextQuizQuestion(attemptId: $a) { ok errors { code }
  attempt { id state score } question { id position text options { key text } secondsLeft } } }"""
ANSWER = """mutation($a: ID!, $q: ID!, $c: [String!]!) {
  answerQuizQuestion(attemptId: $a, questionId: $q, choices: $c) { ok
  errors { field message code } attempt { state score answeredCount }
  feedback { isCorrect late points correct chosen explanation policyTitle } } }"""
CORRECTNESS_WORDS = ("correct", "explanation", "isCorrect", "policy", "points", "chosen")


@pytest.fixture
def timed(make_questions, make_quiz):
    make_questions(6)
    return make_quiz(QuizMode.TIMED, count=3, seconds=30)


@pytest.fixture
def player(client, cadre):
    client.force_login(cadre.user)
    return cadre


def letters_right(item):
    return ["ABCDEFGH"[item.option_order.index(i)] for i in item.question.correct]


def test_the_played_question_carries_no_answer(timed, player, gql):
    result = gql(START, {"quiz": timed.pk})
    payload = result["data"]["startQuizAttempt"]
    assert payload["ok"], payload
    question = payload["question"]
    assert question["position"] == 0 and len(question["options"]) == 4 and 0 < question["secondsLeft"] <= 30
    # The type itself has no field that could tell the answer, and the raw JSON has none of those words.
    assert not set(PlayQuestion._meta.fields) & {"correct", "is_correct", "explanation", "chosen", "points"}
    raw = json.dumps(question)
    assert not any(word in raw for word in CORRECTNESS_WORDS)
    asked = gql(
        "mutation($quiz: ID!) { startQuizAttempt(quizId: $quiz) { question { correct } } }",
        {"quiz": timed.pk},
        expect=400,
    )
    assert "Cannot query field 'correct'" in asked["errors"][0]["message"]


def test_a_whole_quiz_through_the_api_with_feedback_and_resume(timed, player, gql):
    started = gql(START, {"quiz": timed.pk})["data"]["startQuizAttempt"]
    attempt_id = started["attempt"]["id"]
    # A reload: starting again resumes the same attempt at the same question.
    again = gql(START, {"quiz": timed.pk})["data"]["startQuizAttempt"]
    assert again["attempt"]["id"] == attempt_id and again["question"]["id"] == started["question"]["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    question_id = started["question"]["id"]
    for n in range(3):
        item = attempt.items.get(pk=question_id)
        result = gql(ANSWER, {"a": attempt_id, "q": question_id, "c": letters_right(item)})["data"]
        feedback = result["answerQuizQuestion"]["feedback"]
        assert feedback["isCorrect"] and feedback["points"] >= 10 and feedback["correct"] == letters_right(item)
        assert feedback["explanation"].startswith("解析")
        nxt = gql(NEXT, {"a": attempt_id})["data"]["nextQuizQuestion"]
        if n < 2:
            question_id = nxt["question"]["id"]
    assert nxt["question"] is None and nxt["attempt"]["state"] == "FINISHED"
    review = gql(
        "query($id: ID!) { quizAttempt(id: $id) { state score correctCount review { position isCorrect } } }",
        {"id": attempt_id},
    )["data"]["quizAttempt"]
    assert review["correctCount"] == 3 and [r["position"] for r in review["review"]] == [0, 1, 2]


def test_bad_input_is_refused_with_typed_errors(timed, player, make_cadre, client, gql):
    started = gql(START, {"quiz": timed.pk})["data"]["startQuizAttempt"]
    a, q = started["attempt"]["id"], started["question"]["id"]
    bad = gql(ANSWER, {"a": a, "q": q, "c": ["Z"]})["data"]["answerQuizQuestion"]
    assert not bad["ok"] and bad["errors"][0]["code"] == "INVALID_CHOICE" and bad["errors"][0]["message"]
    ok = gql(ANSWER, {"a": a, "q": q, "c": ["A"]})["data"]["answerQuizQuestion"]
    assert ok["ok"]
    replay = gql(ANSWER, {"a": a, "q": q, "c": ["A"]})["data"]["answerQuizQuestion"]
    assert replay["errors"][0]["code"] == "ALREADY_ANSWERED"
    # Another cadre cannot even see the attempt.
    other = make_cadre(name="李秀英")
    client.force_login(other.user)
    foreign = gql(ANSWER, {"a": a, "q": q, "c": ["A"]})["data"]["answerQuizQuestion"]
    assert foreign["errors"][0]["code"] == "NOT_FOUND"
    assert gql("query($id: ID!) { quizAttempt(id: $id) { id } }", {"id": a})["data"]["quizAttempt"] is None
    client.logout()
    anonymous = gql(START, {"quiz": timed.pk})["data"]["startQuizAttempt"]
    assert anonymous["errors"][0]["code"] == "UNAUTHENTICATED"
    assert Attempt.objects.get(pk=a).items.filter(answered_at__isnull=False).count() == 1


def test_quiz_list_takes_a_fixed_number_of_queries(
    make_questions, make_quiz, player, gql, django_assert_max_num_queries
):
    make_questions(5)
    for mode in (QuizMode.DAILY, QuizMode.PRACTICE, QuizMode.TIMED, QuizMode.COMPETITION, QuizMode.TIMED):
        make_quiz(mode, count=3)
    query = "{ quizzes { id title mode attemptsLeft openAttemptId bestScore secondsPerQuestion isOpen intro } }"
    with django_assert_max_num_queries(12):
        result = gql(query)
    assert len(result["data"]["quizzes"]) == 5


def test_leaderboard_and_study_record(timed, player, gql, clock):
    from quizzes import services

    attempt = services.start_attempt(timed, player)
    while True:
        attempt, item = services.serve_current(attempt, player)
        if item is None:
            break
        services.answer_question(attempt, item.pk, [item.option_order.index(0)], player)
    result = gql(
        """{ leaderboard(board: WEEK) { period minParticipants individuals { rank name department score isMe }
             departments { rank department perMember } me { rank score } }
             studyRecord { total quizDailyCap days { day quizPoints readingPoints points } } }"""
    )["data"]
    board = result["leaderboard"]
    assert board["individuals"][0]["isMe"] and board["me"]["rank"] == 1
    assert board["departments"] == []  # one participant is below the minimum
    assert result["studyRecord"]["days"][0]["quizPoints"] == Attempt.objects.get(pk=attempt.pk).score
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.FINISHED


def test_the_quiz_page_on_the_site_points_to_the_app(timed, client):
    response = client.get(timed.url)
    assert response.status_code == 200
    assert f"/app/quizzes/{timed.pk}" in response.content.decode()


def _queries(gql, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gql(query)  # warm Wagtail's site and content-type caches
    with CaptureQueriesContext(connection) as ctx:
        result = gql(query)
    return len(ctx.captured_queries), result


def test_the_standing_on_each_quiz_of_the_list_does_not_cost_a_query_per_quiz(make_questions, make_quiz, player, gql):
    from quizzes import services

    make_questions(6)
    query = "{ quizzes { id attemptsLeft openAttemptId bestScore } }"

    def add(n):
        for _i in range(n):
            quiz = make_quiz(QuizMode.PRACTICE, count=2, attempt_limit=3)
            services.start_attempt(quiz, player)  # one attempt in progress on every quiz

    add(2)
    few, result = _queries(gql, query)
    assert all(q["attemptsLeft"] == 2 and q["openAttemptId"] for q in result["data"]["quizzes"])
    add(8)
    many, result = _queries(gql, query)
    assert len(result["data"]["quizzes"]) == 10 and many == few
