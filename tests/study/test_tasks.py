import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from cms.services import record_read
from core.points import PointSource, earn
from directory.roles import role_group
from quizzes.models import Attempt, AttemptState, QuizMode, QuizPage
from study import assignments
from study.error_codes import StudyErrorCode
from study.models import PointsEntry, StudyTask, TaskMember
from tests.cms.factories import ArticlePageFactory
from tests.directory.factories import CadreFactory, CadreGroupFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    county = DepartmentFactory(code="C1", name="清河县")
    town = DepartmentFactory(code="T1", name="城关镇", parent=county)
    other = DepartmentFactory(code="O1", name="市财政局")
    return county, town, other


@pytest.fixture
def pages(home_page):
    return [ArticlePageFactory(parent=home_page, title=f"学习材料{i}") for i in range(2)]


def make_task(pages, departments=(), groups=(), days=7, quiz=None, **fields):
    task = StudyTask.objects.create(
        title="学习《纪律处分条例》", deadline=timezone.now() + datetime.timedelta(days=days), quiz=quiz, **fields
    )
    task.pages.set(pages)
    task.departments.set(departments)
    task.groups.set(groups)
    return task


def test_a_task_goes_to_the_departments_with_their_subunits_and_to_groups_once(units, pages):
    county, town, other = units
    a, b = CadreFactory(department=county), CadreFactory(department=town)
    outsider = CadreFactory(department=other)
    group = CadreGroupFactory()
    group.members.add(outsider, a)
    CadreFactory(department=other)  # neither in the department nor in the group
    task = make_task(pages, [county], [group])
    assert assignments.assign_task(task) == 3
    assert set(task.members.values_list("cadre", "department")) == {
        (a.pk, county.pk),
        (b.pk, town.pk),
        (outsider.pk, other.pk),
    }
    with pytest.raises(ValidationError) as refused:
        assignments.assign_task(task)
    assert refused.value.error_list[0].code == StudyErrorCode.ALREADY_ASSIGNED


def test_a_task_for_an_empty_group_or_with_a_past_deadline_is_refused(units, pages):
    empty = make_task(pages, groups=[CadreGroupFactory()])
    with pytest.raises(ValidationError) as refused:
        assignments.assign_task(empty)
    assert refused.value.error_dict["departments"][0].code == StudyErrorCode.EMPTY_AUDIENCE
    CadreFactory(department=units[0])
    late = make_task(pages, [units[0]], days=-1)
    with pytest.raises(ValidationError) as refused:
        assignments.assign_task(late)
    assert refused.value.error_dict["deadline"][0].code == StudyErrorCode.DEADLINE_PASSED
    assert not TaskMember.objects.exists()


def test_reading_every_page_and_passing_the_quiz_completes_the_task_and_earns_its_points_once(
    units, pages, home_page, django_user_model
):
    quiz = QuizPage(title="条例测验", slug="t-quiz", mode=QuizMode.TIMED)
    home_page.add_child(instance=quiz)
    user = django_user_model.objects.create_user("c")
    cadre = CadreFactory(department=units[0], user=user)
    task = make_task(pages, [units[0]], quiz=quiz, pass_mark=60)
    assignments.assign_task(task)
    for page in pages:
        record_read(user, page)
    member = TaskMember.objects.get()
    assert member.pages_done == 2 and member.completed_at is None  # the quiz is still to pass
    now = timezone.now()
    for number, score in ((1, 40), (2, 80)):
        Attempt.objects.create(
            quiz=quiz, cadre=cadre, department=cadre.department, number=number, day=now.date(),
            state=AttemptState.FINISHED, expires_at=now, ended_at=now, score=score,
        )  # fmt: skip
        earn(source=PointSource.QUIZ, key=f"attempt:{number}", cadre_id=cadre.pk, day=now.date(), points=score)
    member.refresh_from_db()
    assert member.best_score == 80 and member.completed_at is not None
    assert PointsEntry.objects.filter(cadre=cadre, source="task").count() == 1
    assignments.refresh_progress(task)
    assert PointsEntry.objects.filter(cadre=cadre, source="task").count() == 1


def test_a_cadre_who_changes_department_stays_on_the_task_under_the_unit_that_assigned_it(units, pages):
    county, _town, other = units
    cadre = CadreFactory(department=county)
    task = make_task(pages, [county])
    assignments.assign_task(task)
    cadre.department = other
    cadre.save()
    assert [m.cadre for m in assignments.completion(task, county.__class__.objects.subtree(county))] == [cadre]
    assert assignments.completion(task, county.__class__.objects.subtree(other)) == []
    assert [m.task for m in assignments.my_tasks(cadre)] == [task]
    # A bulk move (an import, QuerySet.update: no save()) changes nothing either; the task is still theirs to do.
    stayer = CadreFactory(department=county)
    late = make_task(pages, [county])
    assignments.assign_task(late)
    type(stayer).objects.filter(pk=stayer.pk).update(department=other)
    assert [m.department for m in TaskMember.objects.filter(task=late, cadre=stayer)] == [county]
    record_read(_user_for(stayer, get_user_model()), pages[0])
    assert TaskMember.objects.get(task=late, cadre=stayer).pages_done == 1


def test_the_completion_page_lists_every_member_and_exports_xlsx(client, units, pages, django_user_model):
    county, town, other = units
    done, _idle = CadreFactory(department=county, name="张三"), CadreFactory(department=town, name="李四")
    CadreFactory(department=other, name="王五")
    task = make_task(pages, [county, other])
    assignments.assign_task(task)
    TaskMember.objects.filter(cadre=done).update(completed_at=timezone.now(), pages_done=2)
    editor = django_user_model.objects.create_user("ed")
    editor.groups.add(role_group("editor"))
    client.force_login(editor)
    html = client.get(f"/admin/study/tasks/{task.pk}/completion/").content.decode()
    assert "张三" in html and "李四" in html and "王五" in html and "未完成" in html
    book = load_workbook(io.BytesIO(client.get(f"/admin/study/tasks/{task.pk}/completion/?format=xlsx").content))
    assert book.active.max_row == 4
    # A unit's secretary sees their unit and the units below it, nobody else.
    secretary = django_user_model.objects.create_user("sec")
    secretary.groups.add(role_group("study_secretary"))
    CadreFactory(department=county, user=secretary)
    client.force_login(secretary)
    html = client.get(f"/admin/study/tasks/{task.pk}/completion/").content.decode()
    assert "李四" in html and "王五" not in html
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get(f"/admin/study/tasks/{task.pk}/completion/").status_code in (302, 403)


def test_a_unit_of_hundreds_sees_its_numbers_and_a_page_of_members_in_constant_queries(
    client, units, pages, django_user_model, django_assert_max_num_queries
):
    from directory.models import Cadre
    from study.admin_views import PER_PAGE

    county, town, _other = units
    Cadre.objects.bulk_create(
        [Cadre(name=f"干部{i:03d}", phone=f"+8613900{i:06d}", department=town if i % 3 else county) for i in range(250)]
    )
    task = make_task(pages, [county])
    assignments.assign_task(task)
    TaskMember.objects.filter(task=task, department=county).update(completed_at=timezone.now(), pages_done=2)
    editor = django_user_model.objects.create_user("ed")
    editor.groups.add(role_group("editor"))
    client.force_login(editor)
    url = f"/admin/study/tasks/{task.pk}/completion/"
    client.get(url)
    with django_assert_max_num_queries(20):
        html = client.get(url).content.decode()
    # The whole unit in numbers: 84 of 250 done, per department; one page of members.
    assert "250 人中已有 84 人完成" in html
    units_table = html[
        html.index("study-completion-units") : html.index("</table>", html.index("study-completion-units"))
    ]
    assert "清河县" in units_table and "城关镇" in units_table and ">166<" in units_table
    members_table = html[html.index('class="listing study-completion"') :]
    assert members_table[: members_table.index("</table>")].count("<tr>") == PER_PAGE + 1
    assert "1 / 3" in html and "?p=2" in html
    last = client.get(url + "?p=3").content.decode()
    members_table = last[last.index('class="listing study-completion"') :]
    assert members_table[: members_table.index("</table>")].count("<tr>") == 250 - 2 * PER_PAGE + 1
    # Every member is in the spreadsheet.
    book = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    assert book.active.max_row == 251


def test_an_editor_assigns_a_task_in_the_admin_and_bad_input_gets_a_clear_error(
    client, units, pages, django_user_model
):
    CadreFactory(department=units[0])
    editor = django_user_model.objects.create_user("ed", is_superuser=True)
    client.force_login(editor)
    deadline = timezone.localtime() + datetime.timedelta(days=5)
    form = {
        "title": "十二月学习任务",
        "pages": [p.pk for p in pages],
        "pass_mark": 60,
        "video_percent": 80,
        "departments": [units[0].pk],
        "deadline": deadline.strftime("%Y-%m-%d %H:%M"),
        "remind_days_before": 3,
    }
    past = {**form, "deadline": (deadline - datetime.timedelta(days=10)).strftime("%Y-%m-%d %H:%M")}
    response = client.post("/admin/study/tasks/new/", past)
    assert response.status_code == 200 and "截止时间必须晚于现在" in response.content.decode()
    response = client.post("/admin/study/tasks/new/", {**form, "departments": [units[2].pk]})
    assert "所选部门和分组中没有干部" in response.content.decode()
    response = client.post("/admin/study/tasks/new/", form)
    assert response.status_code == 302
    assert StudyTask.objects.get().members.count() == 1


@pytest.fixture
def film():
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from tests.study.test_video import mp4

    document = get_document_model()(title="警示教育片《蜕变》")
    document.file.save("film.mp4", ContentFile(mp4(300)), save=True)
    return document


def watch(cadre, film, positions, start):
    """One viewing with a heartbeat every 15 s of the clock at these positions."""
    from study import video

    viewing = video.start_watch(cadre, film, now=start)
    for seq, position in enumerate(positions, start=1):
        video.heartbeat(cadre, viewing.token, seq, position, now=start + datetime.timedelta(seconds=15 * seq))


def test_a_video_page_counts_by_watch_time_not_when_merely_opened(units, pages, home_page, film, django_user_model):
    from tests.cms.factories import CultureWorkPageFactory

    work = CultureWorkPageFactory(parent=home_page, title="蜕变", slug="tuibian", work_kind="video", video=film)
    user = django_user_model.objects.create_user("viewer")
    keen, skipper = CadreFactory(department=units[0], user=user), CadreFactory(department=units[0])
    task = make_task([pages[0], work], [units[0]], video_percent=50)
    assignments.assign_task(task)
    record_read(user, pages[0])
    record_read(user, work)  # opened, not watched
    member = TaskMember.objects.get(cadre=keen)
    assert member.pages_done == 1 and member.completed_at is None

    start = timezone.now() + datetime.timedelta(seconds=1)
    watch(keen, film, [15 * n for n in range(1, 6)], start)  # 75 s of 300: a quarter
    member.refresh_from_db()
    assert member.pages_done == 1
    watch(keen, film, [15 * n for n in range(1, 6)], start + datetime.timedelta(minutes=5))  # again: 150 s, half
    member.refresh_from_db()
    assert member.pages_done == 2 and member.completed_at is not None
    assert PointsEntry.objects.filter(cadre=keen, source="task").count() == 1

    record_read(skipper.user or _user_for(skipper, django_user_model), pages[0])
    watch(skipper, film, [15, 290, 300], start)  # a jump to the end earns nothing
    skipping = TaskMember.objects.get(cadre=skipper)
    assert skipping.pages_done == 1 and skipping.completed_at is None


def _user_for(cadre, django_user_model):
    cadre.user = django_user_model.objects.create_user(f"cadre-{cadre.pk}")
    cadre.save(update_fields=["user"])
    return cadre.user


def test_video_blocks_in_a_page_body_make_it_a_video_page(home_page, film):
    import json

    page = ArticlePageFactory(
        parent=home_page,
        slug="with-video",
        body=json.dumps([{"type": "video", "value": {"video": film.pk, "poster": None, "caption": "片段"}}]),
    )
    plain = ArticlePageFactory(parent=home_page, slug="plain")
    assert assignments.page_videos([page.pk, plain.pk]) == {page.pk: {film.pk}}


def test_watching_a_video_before_the_task_was_assigned_does_not_count(units, home_page, film):
    from tests.cms.factories import CultureWorkPageFactory

    work = CultureWorkPageFactory(parent=home_page, title="蜕变", slug="tuibian", work_kind="video", video=film)
    cadre = CadreFactory(department=units[0])
    earlier = timezone.now() - datetime.timedelta(hours=2)
    watch(cadre, film, [15 * n for n in range(1, 21)], earlier)  # the whole film, before the task
    task = make_task([work], [units[0]])
    assignments.assign_task(task)
    assignments.refresh_progress(task)
    assert TaskMember.objects.get(cadre=cadre).pages_done == 0
