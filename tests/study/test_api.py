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


MY_TASKS = "{ myTasks { title pageCount pagesDone quizId passMark completedAt isOverdue pages { title url } } }"


def test_my_tasks_show_my_progress_and_the_pages_to_study(gql, cadre, home_page, django_assert_max_num_queries):
    from study import assignments
    from study.models import StudyTask
    from tests.cms.factories import ArticlePageFactory

    pages = [ArticlePageFactory(parent=home_page, title=f"材料{i}") for i in range(3)]
    for n in range(3):
        task = StudyTask.objects.create(
            title=f"任务{n}", deadline=timezone.now() + datetime.timedelta(days=n + 1), pass_mark=60
        )
        task.pages.set(pages)
        task.departments.set([cadre.department])
        assignments.assign_task(task)
    CadreFactory()  # another cadre's tasks are not mine
    with django_assert_max_num_queries(10):
        tasks = gql(MY_TASKS)["data"]["myTasks"]
    assert [t["title"] for t in tasks] == ["任务0", "任务1", "任务2"]
    assert tasks[0]["pageCount"] == 3 and tasks[0]["pagesDone"] == 0 and not tasks[0]["isOverdue"]
    assert [p["title"] for p in tasks[0]["pages"]] == ["材料0", "材料1", "材料2"]
