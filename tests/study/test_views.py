import pytest
from django.utils import timezone

from core.points import PointSource, earn
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_the_points_page_shows_only_my_ledger_in_chinese(client, django_user_model, home_page):
    user = django_user_model.objects.create_user("cadre")
    cadre = CadreFactory(user=user)
    other = CadreFactory()
    earn(source=PointSource.READING, key="page:1", cadre_id=cadre.pk, day=timezone.localdate())
    earn(source=PointSource.SMS_QUIZ, key="sms:1", cadre_id=other.pk, day=timezone.localdate(), points=5)
    client.force_login(user)
    html = client.get("/study/points/").content.decode()
    assert "积分明细" in html and "阅读文章" in html and "+2" in html
    assert "+5" not in html
    assert "我的积分" in client.get("/").content.decode()


def test_the_points_page_asks_visitors_to_log_in_and_is_not_found_for_non_cadres(client, django_user_model):
    response = client.get("/study/points/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("citizen"))
    assert client.get("/study/points/").status_code == 404


def test_the_website_page_lists_my_study_tasks(client, django_user_model, home_page):
    import datetime

    from study import assignments
    from study.models import StudyTask
    from tests.cms.factories import ArticlePageFactory

    user = django_user_model.objects.create_user("cadre")
    cadre = CadreFactory(user=user)
    task = StudyTask.objects.create(title="十二月集中学习", deadline=timezone.now() + datetime.timedelta(days=3))
    task.departments.set([cadre.department])
    task.pages.set([ArticlePageFactory(parent=home_page)])
    assignments.assign_task(task)
    client.force_login(user)
    html = client.get("/study/points/").content.decode()
    assert "学习任务" in html and "十二月集中学习" in html and "截止" in html
