"""Benchmark quiz play and leaderboards through gunicorn: answer submissions under concurrency, and the
competition leaderboard with 100,000 attempts from 20,000 cadres.

    .venv/bin/python bench/quizzes.py [--concurrency 20] [--seconds 15] [--cadres 20000] [--attempts 100000]

Reuses bench/pages.py: a throw-away database holding the demo (SQLite, or BENCH_DATABASE_URL), gunicorn and the
production settings. Phase 1: `concurrency` logged-in cadres each play a 100-question practice quiz as fast as they
can (nextQuizQuestion, then answerQuizQuestion, over HTTP with session cookie and CSRF token); prints the answer
submissions' p50/p95. Phase 2: the competition grows to `cadres` cadres and `attempts` finished attempts (rows written
in bulk; the board tables filled as the incremental maintenance leaves them, checked against the attempts), then
the `leaderboard` GraphQL query (top 50 people, departments, my rank) is timed over HTTP and in-process. Exits 1 if
the leaderboard p95 is 50 ms or more.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pages  # noqa: E402

SETTINGS_MODULE = pages.SETTINGS_MODULE + "QUIZ_PLAY_MUTATIONS_PER_MINUTE = 10**9\n"
LIMIT_MS = 50

NEXT = """mutation($a: ID!) { nextQuizQuestion(attemptId: $a) { ok errors { code } attempt { state }
  question { id options { key } } } }"""
ANSWER = """mutation($a: ID!, $q: ID!, $c: [String!]!) { answerQuizQuestion(attemptId: $a, questionId: $q, choices: $c)
  { ok errors { code } feedback { isCorrect points } } }"""
BOARD = """query($quiz: ID) { leaderboard(board: COMPETITION, quizId: $quiz, limit: 50) { period me { rank score }
  individuals { rank name department score } departments { rank department perMember participants } } }"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--cadres", type=int, default=20000)
    parser.add_argument("--attempts", type=int, default=100000)
    args = parser.parse_args()

    with pages.serving_demo("bench-quizzes-", SETTINGS_MODULE) as (port, _urls):
        players = make_players(args.concurrency)
        answers(port, players, args.seconds)
        quiz_id, viewer = grow_competition(args.cadres, args.attempts)
        failed = leaderboard(port, quiz_id, viewer)
    if failed:
        sys.exit(1)


# Logged-in cadres for the HTTP clients: a session each, made the way django.contrib.auth.login makes one.


def session_for(user):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    csrf = _get_new_csrf_string()
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return {"Cookie": cookie, "X-CSRFToken": csrf, "Content-Type": "application/json", "Accept": "application/json"}


def make_players(count):
    from directory.models import Cadre
    from directory.services import user_for_cadre
    from quizzes.models import QuizMode, QuizPage

    home = QuizPage.objects.first().get_parent()
    quiz = QuizPage(title="压测练习", slug="bench-practice", mode=QuizMode.PRACTICE, question_count=100)
    home.add_child(instance=quiz)
    quiz.save_revision().publish()
    players = []
    for cadre in Cadre.objects.order_by("pk")[:count]:
        user = user_for_cadre(cadre)
        players.append({"headers": session_for(user), "quiz": quiz.pk})
    from django.db import connection

    connection.close()  # gunicorn's processes write to the same SQLite file
    return players


def post(connection, headers, query, variables):
    body = json.dumps({"query": query, "variables": variables})
    connection.request("POST", "/graphql/", body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
    return json.loads(data)["data"]


START = "mutation($q: ID!) { startQuizAttempt(quizId: $q) { ok errors { code } attempt { id } } }"


def answers(port, players, seconds):
    latencies, errors = [], []
    deadline = time.monotonic() + seconds

    def play(player):
        rng = random.Random(player["headers"]["Cookie"])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        headers = player["headers"]
        attempt = post(connection, headers, START, {"q": player["quiz"]})["startQuizAttempt"]["attempt"]["id"]
        while time.monotonic() < deadline:
            served = post(connection, headers, NEXT, {"a": attempt})["nextQuizQuestion"]
            if served["question"] is None:
                attempt = post(connection, headers, START, {"q": player["quiz"]})["startQuizAttempt"]["attempt"]["id"]
                continue
            question = served["question"]
            choice = [rng.choice(question["options"])["key"]]
            started = time.perf_counter()
            result = post(connection, headers, ANSWER, {"a": attempt, "q": question["id"], "c": choice})
            elapsed = time.perf_counter() - started
            if result["answerQuizQuestion"]["ok"]:
                mine.append(elapsed)
            else:
                failed += 1
        connection.close()
        latencies.extend(mine)
        errors.append(failed)

    threads = [threading.Thread(target=play, args=(player,)) for player in players]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(
        f"answer submissions, concurrency {len(players)}: {len(latencies)} in {elapsed:.1f} s "
        f"({len(latencies) / elapsed:.0f}/s, each after a nextQuizQuestion), "
        f"p50 {1000 * pages.percentile(latencies, 0.5):.0f} ms, p95 {1000 * pages.percentile(latencies, 0.95):.0f} ms, "
        f"refused {sum(errors)}"
    )


def grow_competition(cadre_count, attempt_count):
    """Bulk cadres and finished attempts for the demo competition; the board rows as maintenance leaves them."""
    import datetime

    from django.db import connection, transaction
    from django.db.models import Count, Max, Sum
    from django.utils import timezone

    from directory.models import Cadre, Department
    from quizzes import boards
    from quizzes.models import Attempt, AttemptState, Board, BoardScore, DepartmentBoardScore, QuizPage

    started = time.perf_counter()
    quiz = QuizPage.objects.get(slug="contest")
    period = boards.competition_period(quiz.pk)
    rng = random.Random("bench-quizzes")
    departments = list(Department.objects.filter(is_active=True).values_list("pk", flat=True))
    missing = cadre_count - Cadre.objects.count()
    with transaction.atomic():
        Cadre.objects.bulk_create(
            [
                Cadre(name=f"压测干部{i}", phone=f"+86177{i:08d}", department_id=rng.choice(departments))
                for i in range(max(0, missing))
            ],
            batch_size=2000,
        )
        # Replace the demo's attempts with the generated ones, so the board rows are exactly derived from them.
        Attempt.objects.filter(quiz=quiz).delete()
        BoardScore.objects.filter(board=Board.COMPETITION, period=period).delete()
        DepartmentBoardScore.objects.filter(board=Board.COMPETITION, period=period).delete()
        cadres = list(Cadre.objects.order_by("pk").values_list("pk", "department_id")[:cadre_count])
        now = timezone.now()
        numbers = {}
        rows = []
        for i in range(attempt_count):
            pk, department_id = cadres[i % len(cadres)] if i < len(cadres) else rng.choice(cadres)
            numbers[pk] = numbers.get(pk, 0) + 1
            at = now - datetime.timedelta(seconds=rng.randrange(7 * 86400))
            rows.append(
                Attempt(
                    quiz=quiz,
                    cadre_id=pk,
                    department_id=department_id,
                    number=numbers[pk],
                    day=timezone.localdate(at),
                    state=AttemptState.FINISHED,
                    started_at=at,
                    expires_at=at + datetime.timedelta(minutes=11),
                    ended_at=at + datetime.timedelta(minutes=5),
                    score=rng.randrange(0, 301),
                    correct_count=0,
                    question_count=20,
                )
            )
        Attempt.objects.bulk_create(rows, batch_size=5000)
        best = (
            Attempt.objects.filter(quiz=quiz, state=AttemptState.FINISHED)
            .values("cadre", "department")
            .annotate(best=Max("score"), reached=Max("ended_at"))
        )
        BoardScore.objects.bulk_create(
            [
                BoardScore(
                    board=Board.COMPETITION,
                    period=period,
                    cadre_id=row["cadre"],
                    department_id=row["department"],
                    score=row["best"],
                    reached_at=row["reached"],
                )
                for row in best
            ],
            batch_size=5000,
        )
        per_department = (
            BoardScore.objects.filter(board=Board.COMPETITION, period=period)
            .values("department")
            .annotate(total=Sum("score"), n=Count("pk"))
        )
        DepartmentBoardScore.objects.bulk_create(
            [
                DepartmentBoardScore(
                    board=Board.COMPETITION,
                    period=period,
                    department_id=row["department"],
                    total=row["total"],
                    participants=row["n"],
                    per_member=row["total"] * 1000 // row["n"],
                )
                for row in per_department
            ]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    attempts = Attempt.objects.filter(quiz=quiz).count()
    people = BoardScore.objects.filter(board=Board.COMPETITION, period=period).count()
    print(
        f"competition: {attempts} attempts from {people} cadres in "
        f"{DepartmentBoardScore.objects.filter(period=period).count()} departments, "
        f"written in {time.perf_counter() - started:.1f} s"
    )

    # The incremental path, as an attempt's end runs it: one cadre row, one department row, in one transaction.
    sample = rng.sample(cadres, 500)
    started = time.perf_counter()
    for pk, department_id in sample:
        with transaction.atomic():
            boards.add(Board.COMPETITION, period, pk, department_id, rng.randrange(0, 320), True, timezone.now())
    each = 1000 * (time.perf_counter() - started) / len(sample)
    print(f"incremental board update when an attempt ends: {each:.2f} ms each (mean of {len(sample)})")

    # In-process: the three reads of the leaderboard query.
    viewer = Cadre.objects.select_related("department").get(pk=sample[0][0])
    timings = []
    for _ in range(200):
        t0 = time.perf_counter()
        boards.individual(Board.COMPETITION, period, limit=50, me=viewer)
        boards.departments(Board.COMPETITION, period, min_participants=quiz.min_participants, me=viewer)
        boards.my_rank(Board.COMPETITION, period, viewer)
        timings.append(time.perf_counter() - t0)
    timings.sort()
    print(
        f"leaderboard reads in-process: p50 {1000 * pages.percentile(timings, 0.5):.1f} ms, "
        f"p95 {1000 * pages.percentile(timings, 0.95):.1f} ms"
    )
    viewer_user = viewer.user
    if viewer_user is None:
        from directory.services import user_for_cadre

        viewer_user = user_for_cadre(viewer)
    headers = session_for(viewer_user)
    connection.close()
    return quiz.pk, headers


def leaderboard(port, quiz_id, headers):
    from urllib.parse import urlencode

    path = "/graphql/?" + urlencode({"query": " ".join(BOARD.split()), "variables": json.dumps({"quiz": quiz_id})})
    get_headers = {"Cookie": headers["Cookie"], "Accept": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    for i in range(220):
        t0 = time.perf_counter()
        connection.request("GET", path, headers=get_headers)
        response = connection.getresponse()
        body = json.loads(response.read())
        elapsed = time.perf_counter() - t0
        if i >= 20:  # the first requests warm each worker
            timings.append(elapsed)
    connection.close()
    board = body["data"]["leaderboard"]
    assert len(board["individuals"]) == 50 and board["me"], body
    timings.sort()
    p95 = 1000 * pages.percentile(timings, 0.95)
    print(
        f"leaderboard over HTTP (GraphQL, top 50 + departments + my rank {board['me']['rank']}): "
        f"p50 {1000 * pages.percentile(timings, 0.5):.1f} ms, p95 {p95:.1f} ms (limit {LIMIT_MS} ms)"
    )
    return p95 >= LIMIT_MS


if __name__ == "__main__":
    main()
