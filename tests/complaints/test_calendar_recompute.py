"""Entering the year's holiday schedule moves open complaint stages, once, and never an ended one."""

import datetime
from datetime import date as D

import pytest
from django.utils import timezone

from complaints.models import Stage
from core import calendar
from core.holiday_notice import parse_notice
from core.models import CalendarRecompute

pytestmark = pytest.mark.django_db

TODAY = D(2026, 12, 3)
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至4日（周一）放假调休，共4天。\n"


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_an_open_stage_moves_once_and_an_ended_one_never(submit, published):
    complaint = submit().complaint
    stage = complaint.stages.get(ended_at__isnull=True)
    Stage.objects.filter(pk=stage.pk).update(due_at=local(2027, 1, 8, 23, 59, 59))
    ended = Stage.objects.create(
        complaint=complaint,
        status=stage.status,
        started_at=local(2026, 11, 30, 9),
        due_at=local(2027, 1, 8, 23, 59, 59),
    )
    Stage.objects.filter(pk=ended.pk).update(ended_at=local(2026, 12, 1, 9))
    calendar.save_schedule(parse_notice(NOTICE_2027), today=TODAY)
    run = CalendarRecompute.objects.get(year=2027)
    calendar.recompute_deadlines(run.pk, today=TODAY)
    calendar.recompute_deadlines(run.pk, today=TODAY)
    stage.refresh_from_db()
    ended.refresh_from_db()
    assert stage.due_at == local(2027, 1, 11, 23, 59, 59)  # Monday 4 January is now off
    assert ended.due_at == local(2027, 1, 8, 23, 59, 59)
    # Its history shows the move once; supervision is told once, by the chunk's event, which carries the clock.
    assert complaint.events.filter(kind="stage.deadline_recomputed").count() == 1
    moved = [e for e in published if e.kind == "calendar.deadlines_moved"]
    assert len(moved) == 1 and [c.due_at for c in moved[0].clocks] == [stage.due_at]
    assert [m["subject"] for m in moved[0].payload["moves"]] == [f"complaints.complaint:{complaint.pk}"]


def test_each_investigator_is_told_once_when_a_stage_moves(submit, published, django_user_model):
    from directory.models import Cadre, Department
    from sms.models import Notice

    complaint = submit().complaint
    stage = complaint.stages.get(ended_at__isnull=True)
    Stage.objects.filter(pk=stage.pk).update(due_at=local(2027, 1, 8, 23, 59, 59))
    investigator = django_user_model.objects.create_user("investigator", password=None)
    Cadre.objects.create(
        name="调查员", department=Department.objects.first(), phone="+8613700001111", user=investigator
    )
    complaint.investigators.add(investigator)
    calendar.save_schedule(parse_notice(NOTICE_2027), today=TODAY)
    run = CalendarRecompute.objects.get(year=2027)
    calendar.recompute_deadlines(run.pk, today=TODAY)
    notice = Notice.objects.get(key=f"core.calendar:{run.pk}:complaints.investigator:{investigator.pk}")
    assert complaint.reference in notice.body and "2027-01-11 23:59" in notice.body
    from complaints.recompute import _tell_investigators

    _tell_investigators(calendar.Recompute(run, TODAY))  # a rerun (a lost acknowledgement) texts nobody twice
    assert Notice.objects.filter(key__startswith=f"core.calendar:{run.pk}:complaints.investigator:").count() == 1
