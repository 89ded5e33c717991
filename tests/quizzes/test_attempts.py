import datetime

import pytest

from core.error_codes import CommonErrorCode
from quizzes import services
from quizzes.error_codes import QuizErrorCode
from quizzes.models import Attempt, AttemptEvent, AttemptState, BoardScore, QuestionKind, QuizMode
from quizzes.services import QuizError
from study.models import PointsEntry
from tests.quizzes.conftest import right_choice


@pytest.fixture
def timed(make_questions, make_quiz):
    make_questions(8)
    return make_quiz(QuizMode.TIMED, count=5, seconds=20)


def play_all(attempt, cadre, clock, answer=right_choice, delay=5):
    while True:
        attempt, item = services.serve_current(attempt, cadre, now=clock.now)
        if item is None:
            return attempt
        clock.tick(delay)
        services.answer_question(attempt, item.pk, answer(item), cadre, now=clock.now)


def test_a_timed_attempt_scores_correct_answers_with_a_speed_bonus(timed, cadre, clock):
    attempt = services.start_attempt(timed, cadre, now=clock.now)
    assert attempt.items.count() == 5
    attempt = play_all(attempt, cadre, clock, delay=5)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.correct_count == 5
    # 10 points each plus round(5 * 15/20) = 4 for answering with 15 of 20 seconds left
    assert attempt.score == 5 * 14
    assert list(AttemptEvent.objects.filter(attempt=attempt).values_list("to_state", flat=True)) == [
        "in_progress",
        "finished",
    ]
    assert BoardScore.objects.get(board="week", cadre=cadre).score == 70
    assert PointsEntry.objects.get(cadre=cadre, source="quiz").points == 60  # the ledger credits up to the daily cap


def test_an_answer_after_the_deadline_scores_nothing(timed, cadre, clock):
    attempt = services.start_attempt(timed, cadre, now=clock.now)
    attempt, item = services.serve_current(attempt, cadre, now=clock.now)
    clock.tick(21)
    item = services.answer_question(attempt, item.pk, right_choice(item), cadre, now=clock.now)
    assert item.late and item.points == 0 and not item.is_correct


def test_a_question_left_past_its_deadline_is_closed_when_the_player_comes_back(timed, cadre, clock):
    attempt = services.start_attempt(timed, cadre, now=clock.now)
    attempt, first = services.serve_current(attempt, cadre, now=clock.now)
    clock.tick(25)  # the phone lost its connection
    attempt, second = services.serve_current(attempt, cadre, now=clock.now)
    assert second.position == 1
    first.refresh_from_db()
    assert first.late and first.chosen == [] and first.points == 0
    with pytest.raises(QuizError) as refused:
        services.answer_question(attempt, first.pk, right_choice(first), cadre, now=clock.now)
    assert refused.value.code == QuizErrorCode.ALREADY_ANSWERED


def test_reload_resumes_the_same_attempt_and_question_with_the_time_left(timed, cadre, clock):
    attempt = services.start_attempt(timed, cadre, now=clock.now)
    attempt, item = services.serve_current(attempt, cadre, now=clock.now)
    clock.tick(7)
    again = services.start_attempt(timed, cadre, now=clock.now)
    assert again.pk == attempt.pk
    again, same = services.serve_current(again, cadre, now=clock.now)
    assert same.pk == item.pk and same.deadline == item.deadline


def test_replays_foreign_questions_and_other_cadres_are_refused(timed, cadre, make_cadre, clock):
    other = make_cadre(name="李秀英")
    mine = services.start_attempt(timed, cadre, now=clock.now)
    theirs = services.start_attempt(timed, other, now=clock.now)
    mine, item = services.serve_current(mine, cadre, now=clock.now)
    theirs, their_item = services.serve_current(theirs, other, now=clock.now)
    with pytest.raises(QuizError) as refused:
        services.answer_question(theirs, their_item.pk, [0], cadre, now=clock.now)
    assert refused.value.code == CommonErrorCode.PERMISSION_DENIED
    with pytest.raises(QuizError) as refused:
        services.answer_question(mine, their_item.pk, [0], cadre, now=clock.now)
    assert refused.value.code == QuizErrorCode.NOT_IN_ATTEMPT
    services.answer_question(mine, item.pk, right_choice(item), cadre, now=clock.now)
    with pytest.raises(QuizError) as refused:
        services.answer_question(mine, item.pk, right_choice(item), cadre, now=clock.now)
    assert refused.value.code == QuizErrorCode.ALREADY_ANSWERED
    later = mine.items.get(position=3)
    with pytest.raises(QuizError) as refused:
        services.answer_question(mine, later.pk, [0], cadre, now=clock.now)
    assert refused.value.code == QuizErrorCode.NOT_SERVED
    assert mine.items.filter(answered_at__isnull=False).count() == 1


def test_an_expired_attempt_refuses_answers_and_keeps_what_was_scored(timed, cadre, clock):
    attempt = services.start_attempt(timed, cadre, now=clock.now)
    attempt, item = services.serve_current(attempt, cadre, now=clock.now)
    services.answer_question(attempt, item.pk, right_choice(item), cadre, now=clock.tick(2))
    attempt, item = services.serve_current(attempt, cadre, now=clock.now)
    clock.tick(5 * 20 + 60)
    with pytest.raises(QuizError) as refused:
        services.answer_question(attempt, item.pk, right_choice(item), cadre, now=clock.now)
    assert refused.value.code == QuizErrorCode.EXPIRED
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.EXPIRED
    assert attempt.score == 10 + 4 and attempt.correct_count == 1  # 18 of 20 seconds left: +4


def test_the_sweep_expires_abandoned_attempts(timed, cadre, clock):
    attempt = services.start_attempt(timed, cadre, now=clock.now)
    assert services.expire_stale_attempts(now=clock.now) == 0
    assert services.expire_stale_attempts(now=clock.tick(3600)) == 1
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.EXPIRED


def test_options_and_questions_are_shuffled_per_attempt(make_questions, make_quiz, make_cadre, clock):
    make_questions(30)
    quiz = make_quiz(QuizMode.PRACTICE, count=10)
    orders = set()
    for i in range(6):
        attempt = services.start_attempt(quiz, make_cadre(), now=clock.now)
        items = list(attempt.items.order_by("position"))
        orders.add(tuple((i.question_id, tuple(i.option_order)) for i in items))
    assert len(orders) == 6


def test_multiple_choice_needs_every_correct_option(make_questions, make_quiz, cadre, clock):
    make_questions(2, kind=QuestionKind.MULTIPLE)
    quiz = make_quiz(QuizMode.PRACTICE, count=2)
    attempt = services.start_attempt(quiz, cadre, now=clock.now)
    attempt, item = services.serve_current(attempt, cadre, now=clock.now)
    partial = right_choice(item)[:1]
    assert services.answer_question(attempt, item.pk, partial, cadre, now=clock.now).points == 0
    attempt, item = services.serve_current(attempt, cadre, now=clock.now)
    full = services.answer_question(attempt, item.pk, right_choice(item), cadre, now=clock.now)
    assert full.is_correct and full.points == 10  # practice: no speed bonus


def test_invalid_choices_are_refused(timed, cadre, clock):
    attempt = services.start_attempt(timed, cadre, now=clock.now)
    attempt, item = services.serve_current(attempt, cadre, now=clock.now)
    for bad in ([], [9], [0, 1], [0, 0]):
        with pytest.raises(QuizError) as refused:
            services.answer_question(attempt, item.pk, bad, cadre, now=clock.now)
        assert refused.value.code == CommonErrorCode.INVALID_CHOICE


def test_a_daily_quiz_gives_everyone_the_same_set_once_a_day(make_questions, make_quiz, make_cadre, clock):
    make_questions(20)
    quiz = make_quiz(QuizMode.DAILY, count=5)
    first, second = make_cadre(), make_cadre()
    a = services.start_attempt(quiz, first, now=clock.now)
    b = services.start_attempt(quiz, second, now=clock.now)
    assert set(a.items.values_list("question_id", flat=True)) == set(b.items.values_list("question_id", flat=True))
    services.finish_attempt(a, first, now=clock.now)
    with pytest.raises(QuizError) as refused:
        services.start_attempt(quiz, first, now=clock.now)
    assert refused.value.code == QuizErrorCode.ATTEMPT_LIMIT


def test_competition_window_limit_and_eligibility(make_questions, make_quiz, make_cadre, clock, department):
    from tests.directory.factories import DepartmentFactory

    make_questions(10)
    quiz = make_quiz(
        QuizMode.COMPETITION,
        count=3,
        attempt_limit=2,
        opens_at=clock.now - datetime.timedelta(days=1),
        closes_at=clock.now + datetime.timedelta(days=1),
    )
    township = DepartmentFactory(code="QH-T1", name="某镇", parent=department)
    quiz.eligible_departments.set([department])
    elsewhere = make_cadre(DepartmentFactory(code="OTHER", name="外单位"))
    with pytest.raises(QuizError) as refused:
        services.start_attempt(quiz, elsewhere, now=clock.now)
    assert refused.value.code == QuizErrorCode.NOT_ELIGIBLE
    member = make_cadre(township)  # a subunit of an eligible department takes part
    for _ in range(2):
        attempt = services.start_attempt(quiz, member, now=clock.now)
        services.finish_attempt(attempt, member, now=clock.now)
    with pytest.raises(QuizError) as refused:
        services.start_attempt(quiz, member, now=clock.now)
    assert refused.value.code == QuizErrorCode.ATTEMPT_LIMIT
    with pytest.raises(QuizError) as refused:
        services.start_attempt(quiz, make_cadre(), now=clock.now + datetime.timedelta(days=2))
    assert refused.value.code == QuizErrorCode.CLOSED
    assert Attempt.objects.filter(quiz=quiz).count() == 2
