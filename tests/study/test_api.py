import datetime

import pytest
from django.utils import timezone

from core.points import PointSource, earn
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db

MY_POINTS = """query($page: Int) { myPoints(page: $page, pageSize: 5) { today week year allTime
  sourcesToday { source sourceLabel points dailyCap }
  entries { source sourceLabel day points } pageInfo { total hasNext } } }"""


@pytest.fixture
def cadre(client, django_user_model):
    user = django_user_model.objects.create_user("cadre")
    client.force_login(user)
    return CadreFactory(user=user)


def test_my_points_lists_the_ledger_newest_first_with_totals_in_chinese(gql, cadre):
    today = timezone.localdate()
    for i in reversed(range(7)):  # oldest first, as days pass
        day = today - datetime.timedelta(days=i)
        earn(source=PointSource.READING, key=f"page:{i}:{day}", cadre_id=cadre.pk, day=day)
    earn(source=PointSource.SMS_QUIZ, key="sms:1", cadre_id=cadre.pk, day=today, points=5)
    data = gql(MY_POINTS)["data"]["myPoints"]
    assert data["today"] == 2 + 5 + 2  # a read, the SMS answer, the streak
    assert data["allTime"] == data["year"] or today.month == 1
    assert data["pageInfo"] == {"total": 14, "hasNext": True}  # 7 reads, 6 streak days, 1 answer
    assert [e["day"] for e in data["entries"]][:3] == [today.isoformat()] * 3
    labels = {e["source"]: e["sourceLabel"] for e in data["entries"]}
    assert labels["reading"] == "阅读文章" and labels["sms_quiz"] == "短信答题"
    reading = next(s for s in data["sourcesToday"] if s["source"] == "reading")
    assert reading == {"source": "reading", "sourceLabel": "阅读文章", "points": 2, "dailyCap": 20}


def test_another_cadres_points_are_never_shown(gql, cadre):
    other = CadreFactory()
    earn(source=PointSource.READING, key="page:1:x", cadre_id=other.pk, day=timezone.localdate())
    assert gql(MY_POINTS)["data"]["myPoints"]["entries"] == []


def test_anonymous_users_are_asked_to_log_in(gql, client):
    client.logout()
    result = gql(MY_POINTS)
    assert result["errors"][0]["extensions"]["code"] == "unauthenticated"


def test_the_ledger_query_count_does_not_grow_with_the_page(gql, cadre, django_assert_max_num_queries):
    today = timezone.localdate()
    for i in range(20):
        earn(source=PointSource.QUIZ, key=f"attempt:{i}", cadre_id=cadre.pk, day=today, points=1)
    with django_assert_max_num_queries(12):
        data = gql(MY_POINTS)["data"]["myPoints"]
    assert len(data["entries"]) == 5
