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


def test_the_website_tasks_page_marks_video_pages_and_costs_the_same_for_many_tasks(
    client, django_user_model, home_page, django_assert_max_num_queries
):
    import datetime

    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from study import assignments
    from study.models import StudyTask
    from tests.cms.factories import ArticlePageFactory, CultureWorkPageFactory
    from tests.study.test_video import mp4

    film = get_document_model()(title="警示片")
    film.file.save("film.mp4", ContentFile(mp4(120)), save=True)
    work = CultureWorkPageFactory(parent=home_page, slug="film", title="警示片《蜕变》", work_kind="video", video=film)
    user = django_user_model.objects.create_user("cadre")
    cadre = CadreFactory(user=user)
    for n in range(4):
        task = StudyTask.objects.create(
            title=f"学习任务{n}", deadline=timezone.now() + datetime.timedelta(days=3), video_percent=90
        )
        task.departments.set([cadre.department])
        task.pages.set([ArticlePageFactory(parent=home_page, slug=f"a{n}"), work])
        assignments.assign_task(task)
    client.force_login(user)
    client.get("/study/tasks/")  # warm the site's root paths
    with django_assert_max_num_queries(16):
        html = client.get("/study/tasks/").content.decode()
    assert html.count('class="study-task"') == 4
    assert html.count("视频：观看满 90% 才计入") == 4 and "已学 0/2 篇" in html
    assert "积分排行" in html and "积分明细" in html


def test_the_website_ranking_shows_people_and_units_by_week_month_and_year(client, django_user_model):
    from tests.directory.factories import DepartmentFactory

    unit = DepartmentFactory(name="市财政局")
    user = django_user_model.objects.create_user("cadre")
    me = CadreFactory(user=user, name="王建国", department=unit)
    others = [CadreFactory(department=unit, name=f"同事{n}") for n in range(2)]
    lone = CadreFactory(name="独行侠", department=DepartmentFactory(name="市审计局"))
    today = timezone.localdate()
    for n, cadre in enumerate([me, *others, lone]):
        earn(source=PointSource.COMPETITION, key=f"c:{n}", cadre_id=cadre.pk, day=today, points=10 + n)
    client.force_login(user)
    for period in ("week", "month", "year"):
        html = client.get(f"/study/ranking/?period={period}").content.decode()
        assert "我的排名：第 4 名（10 分）" in html and "独行侠" in html
    html = client.get("/study/ranking/?period=month&who=units").content.decode()
    assert "市财政局" in html and "人均 11.0 分" in html and "3 人有积分" in html
    assert "市审计局" not in html  # one participant: below the minimum of 3
    assert "满 3 人" in html
    assert client.get("/study/ranking/?period=bogus").status_code == 200
