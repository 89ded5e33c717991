import datetime

import pytest
from django.db.models import Count, F, Sum

from core.points import PointSource, earn
from study import rankings
from tests.directory.factories import CadreFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 2)
WEEK = "w2026-49"


def give(cadre, points, key="q"):
    earn(source=PointSource.COMPETITION, key=f"{key}:{cadre.pk}", cadre_id=cadre.pk, day=DAY, points=points)


def test_people_are_ranked_by_points_with_ties_sharing_a_rank_and_my_rank_outside_the_top():
    a, b, c, d = (CadreFactory() for _ in range(4))
    give(a, 50)
    give(b, 80)
    give(c, 50)
    give(d, 10)
    top = rankings.people(WEEK, limit=3, me=a)
    assert [(r.rank, r.points) for r in top] == [(1, 80), (2, 50), (2, 50)]
    assert rankings.my_rank(WEEK, d).rank == 4
    assert rankings.my_rank("w2026-01", d) is None
    assert [r.points for r in rankings.people("y2026")] == [80, 50, 50, 10]


def test_departments_rank_by_their_members_average_and_need_the_minimum_of_participants():
    big, small, keen = DepartmentFactory(name="大局"), DepartmentFactory(name="小局"), DepartmentFactory(name="独局")
    for points in (30, 30, 60):
        give(CadreFactory(department=big), points)
    for points in (50, 40, 30):
        give(CadreFactory(department=small), points)
    CadreFactory(department=small)  # no points: not a participant, does not lower the average
    give(CadreFactory(department=keen), 100)  # one participant: below the minimum of 3
    rows = rankings.departments(WEEK, min_participants=3)
    assert [(r.department, r.per_member, r.participants) for r in rows] == [("大局", 40.0, 3), ("小局", 40.0, 3)]
    assert [r.rank for r in rows] == [1, 1]


def test_the_ranking_api_answers_week_month_and_year(client, django_user_model, gql):
    from django.utils import timezone

    user = django_user_model.objects.create_user("c")
    me = CadreFactory(user=user)
    earn(source=PointSource.QUIZ, key="a:1", cadre_id=me.pk, day=timezone.localdate(), points=20)
    client.force_login(user)
    query = """query($p: StudyRankingPeriod!) { studyRanking(period: $p) { period minParticipants
      me { rank points } people { rank name points isMe } departments { department perMember } } }"""
    for period in ("WEEK", "MONTH", "YEAR"):
        data = gql(query, {"p": period})["data"]["studyRanking"]
        assert data["me"] == {"rank": 1, "points": 20}
        assert data["people"][0]["isMe"] and data["departments"] == []


def test_a_cadre_who_changes_department_takes_their_points_to_the_new_one():
    old, new = DepartmentFactory(name="旧局"), DepartmentFactory(name="新局")
    movers = [CadreFactory(department=old) for _ in range(3)]
    for cadre in movers:
        give(cadre, 30)
    assert [r.department for r in rankings.departments(WEEK, min_participants=3)] == ["旧局"]
    for cadre in movers:
        cadre.department = new
        cadre.save()
    assert [r.department for r in rankings.departments(WEEK, min_participants=3)] == ["新局"]


def test_a_bulk_move_that_skips_save_counts_at_once_in_the_ranking():
    from directory.models import Cadre

    old, new = DepartmentFactory(name="旧局"), DepartmentFactory(name="新局")
    movers = [CadreFactory(department=old) for _ in range(4)]
    for cadre in movers:
        give(cadre, 30)
    Cadre.objects.filter(pk__in=[c.pk for c in movers[:2]]).update(department=new)  # no save(), no signal
    # Two left in each: neither reaches the minimum of 3 participants any more.
    assert rankings.departments(WEEK, min_participants=3) == []
    rows = rankings.departments(WEEK, min_participants=2)
    assert [(r.department, r.participants, r.rank) for r in rows] == [("旧局", 2, 1), ("新局", 2, 1)]


def test_a_spreadsheet_import_that_moves_cadres_moves_their_points_in_the_ranking():
    import io

    from directory import importing
    from tests.directory.test_import import csv_bytes

    old = DepartmentFactory(code="D01", name="市教育局")
    new = DepartmentFactory(code="D02", name="市财政局")
    rows = [[f"干部{i}", f"138{i:08d}", "D01", "科员", "科员", "是"] for i in range(3)]
    importing.apply_plan(importing.plan_import(importing.parse_file(io.BytesIO(csv_bytes(rows)), "名册.csv")))
    from directory.models import Cadre

    for cadre in Cadre.objects.filter(department=old):
        give(cadre, 20)
    assert [r.department for r in rankings.departments(WEEK, min_participants=3)] == ["市教育局"]
    moved = [[name, phone, "D02", post, rank, party] for name, phone, _code, post, rank, party in rows]
    counts = importing.apply_plan(importing.plan_import(importing.parse_file(io.BytesIO(csv_bytes(moved)), "名册.csv")))
    assert counts["update"] == 3
    assert Cadre.objects.filter(department=new).count() == 3
    rows = rankings.departments(WEEK, min_participants=3)
    assert [(r.department, r.participants, r.per_member) for r in rows] == [("市财政局", 3, 20.0)]


def test_the_department_ranking_costs_the_same_few_queries_for_many_departments(django_assert_max_num_queries):
    for n in range(6):
        unit = DepartmentFactory(name=f"第{n}局")
        for _ in range(3):
            give(CadreFactory(department=unit), 10 + n)
    with django_assert_max_num_queries(2):
        rows = rankings.departments(WEEK, min_participants=3)
    assert [r.department for r in rows] == [f"第{n}局" for n in reversed(range(6))]


def test_the_departments_kept_by_the_database_are_the_sums_of_the_cadres_totals_after_any_change():
    """PostgreSQL keeps DepartmentTotal by triggers: after credits, moves (save, bulk update, SQL), a total rewritten
    and a cadre deleted, it equals the sums of PointsTotal by each cadre's department now. Elsewhere it is unused."""
    from django.db import connection

    from directory.models import Cadre
    from study.models import DepartmentTotal, PointsTotal

    if connection.vendor != "postgresql":
        pytest.skip("the triggers are PostgreSQL's")

    def kept():
        rows = DepartmentTotal.objects.filter(participants__gt=0).values_list(
            "period", "department", "points", "participants"
        )
        return sorted(rows)

    def summed():
        return sorted(
            (r["period"], r["cadre__department"], r["points"], r["n"])
            for r in PointsTotal.objects.filter(points__gt=0)
            .values("period", "cadre__department")
            .annotate(points=Sum("points"), n=Count("*"))
        )

    a, b, c = DepartmentFactory(), DepartmentFactory(), DepartmentFactory()
    cadres = [CadreFactory(department=(a, b)[i % 2]) for i in range(6)]
    for i, cadre in enumerate(cadres):
        give(cadre, 10 + i)
        give(cadre, 5, key="again")
    assert kept() == summed() and len(kept()) == 6  # two departments, three periods
    cadres[0].department = c
    cadres[0].save()
    Cadre.objects.filter(pk__in=[cadres[1].pk, cadres[2].pk]).update(department=c)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_cadre SET department_id = %s WHERE id = %s", [a.pk, cadres[3].pk])
    assert kept() == summed()
    PointsTotal.objects.filter(cadre=cadres[4]).update(points=F("points") + 7)
    cadres[5].delete()
    assert kept() == summed()
    by_department = sorted(rankings._department_sums(WEEK, 1), key=lambda r: r["department"])
    assert by_department == sorted(rankings._department_sums_joined(WEEK, 1), key=lambda r: r["department"])
