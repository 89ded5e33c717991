import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sms.models import Notice
from study import assignments, reminders
from study.models import StudyTask, TaskMember
from tests.cms.factories import ArticlePageFactory
from tests.directory.factories import CadreFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEADLINE = datetime.datetime(2026, 12, 20, 18, 0, tzinfo=SHANGHAI)


def at(day, hour=10):
    return datetime.datetime(2026, 12, day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture
def task(home_page):
    department = DepartmentFactory()
    task = StudyTask.objects.create(title="学习条例", deadline=DEADLINE, remind_days_before=3, created_at=at(1))
    task.pages.set([ArticlePageFactory(parent=home_page)])
    task.departments.set([department])
    task.done = CadreFactory(department=department)
    task.todo = CadreFactory(department=department, phone="+8613800138001")
    task.quiet = CadreFactory(department=department, sms_opt_in=False)
    assignments.assign_task(task, now=at(1))
    TaskMember.objects.filter(cadre=task.done).update(completed_at=at(2))
    return task


def test_members_not_done_are_reminded_n_days_and_1_day_before_once_each(task):
    assert reminders.send_reminders(at(16)) == 0  # 4 days before: not yet
    assert reminders.send_reminders(at(17, 19)) == 1  # 3 days before (minus a few hours)
    assert reminders.send_reminders(at(18)) == 0  # the first reminder went already
    assert reminders.send_reminders(at(19, 18)) == 1  # 1 day before
    assert reminders.send_reminders(at(20, 9)) == 0
    notices = list(Notice.objects.order_by("key").values_list("key", "phone"))
    assert notices == [
        (f"study.task.{task.pk}.{task.todo.pk}.early", task.todo.phone),
        (f"study.task.{task.pk}.{task.todo.pk}.last", task.todo.phone),
    ]
    body = Notice.objects.first().body
    assert "学习任务“学习条例”将于12-20 18:00截止" in body


def test_nothing_is_sent_in_quiet_hours_and_the_next_run_after_them_sends(task):
    assert reminders.send_reminders(at(19, 23)) == 0  # 23:00 is inside the quiet hours
    assert reminders.send_reminders(at(20, 9)) == 1


def test_a_number_at_its_daily_cap_waits_for_the_next_run(task, settings):
    settings.SMS_DAILY_CAP = 1
    Notice.objects.create(key="other", phone=task.todo.phone, body="x", next_attempt_at=timezone.now())
    Notice.objects.filter(key="other").update(created_at=at(19, 9))  # waiting since this morning
    assert reminders.send_reminders(at(19, 18)) == 0
    Notice.objects.filter(key="other").update(created_at=at(18))
    assert reminders.send_reminders(at(19, 18)) == 1


def test_reminders_are_scheduled_by_code():
    from core.schedules import declared_schedules

    assert "study.remind" in {spec.name for spec in declared_schedules()}
