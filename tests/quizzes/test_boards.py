import pytest

from quizzes import boards
from quizzes.models import Board, BoardScore, DepartmentBoardScore
from tests.directory.factories import DepartmentFactory


@pytest.fixture
def depts(db):
    return DepartmentFactory(code="BIG", name="大局"), DepartmentFactory(code="SMALL", name="小所")


def test_department_rank_is_per_member_and_needs_the_minimum(depts, make_cadre, clock):
    big, small = depts
    for score in (50, 40, 30):
        boards.add(Board.WEEK, "2026-W48", make_cadre(big).pk, big.pk, score, False, clock.now)
    star = make_cadre(small)
    boards.add(Board.WEEK, "2026-W48", star.pk, small.pk, 100, False, clock.now)
    ranked = boards.departments(Board.WEEK, "2026-W48", min_participants=3)
    assert [(e.department, e.per_member) for e in ranked] == [("大局", 40.0)]  # one keen member is not enough
    for score in (10, 10):
        boards.add(Board.WEEK, "2026-W48", make_cadre(small).pk, small.pk, score, False, clock.now)
    ranked = boards.departments(Board.WEEK, "2026-W48", min_participants=3)
    assert [(e.department, e.per_member, e.participants) for e in ranked] == [("大局", 40.0, 3), ("小所", 40.0, 3)]
    assert ranked[0].rank == ranked[1].rank == 1  # equal per member: one rank, order fixed by department id


def test_week_adds_up_and_competition_keeps_the_best(depts, make_cadre, clock):
    big, _small = depts
    cadre = make_cadre(big)
    for score in (30, 50, 20):
        boards.add(Board.WEEK, "w", cadre.pk, big.pk, score, False, clock.tick(1))
        boards.add(Board.COMPETITION, "quiz:1", cadre.pk, big.pk, score, True, clock.now)
    assert BoardScore.objects.get(board="week", cadre=cadre).score == 100
    assert BoardScore.objects.get(board="competition", cadre=cadre).score == 50
    dept = DepartmentBoardScore.objects.get(board="competition", department=big)
    assert (dept.total, dept.participants, dept.per_member) == (50, 1, 50000)


def test_ties_share_a_rank_in_a_fixed_order(depts, make_cadre, clock):
    big, _small = depts
    first, second, third = make_cadre(big), make_cadre(big), make_cadre(big)
    boards.add(Board.MONTH, "m", second.pk, big.pk, 80, False, clock.tick(1))
    boards.add(Board.MONTH, "m", first.pk, big.pk, 80, False, clock.tick(1))
    boards.add(Board.MONTH, "m", third.pk, big.pk, 60, False, clock.tick(1))
    entries = boards.individual(Board.MONTH, "m", me=third)
    assert [(e.rank, e.cadre_id) for e in entries] == [(1, second.pk), (1, first.pk), (3, third.pk)]
    assert entries[2].is_me
    page_two = boards.individual(Board.MONTH, "m", limit=2, offset=1)
    assert [e.rank for e in page_two] == [1, 3]
    assert boards.my_rank(Board.MONTH, "m", third).rank == 3


def test_reading_a_board_takes_a_fixed_number_of_queries(depts, make_cadre, clock, django_assert_max_num_queries):
    big, small = depts
    for i in range(30):
        dept = big if i % 2 else small
        boards.add(Board.WEEK, "w", make_cadre(dept).pk, dept.pk, i, False, clock.now)
    with django_assert_max_num_queries(2):
        assert len(boards.individual(Board.WEEK, "w", limit=20, offset=5)) == 20
    with django_assert_max_num_queries(1):
        assert len(boards.departments(Board.WEEK, "w")) == 2
