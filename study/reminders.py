"""SMS reminders of study tasks: members who have not finished are reminded N days and 1 day before the deadline,
once each, through the SMS service's transactional notices (``sms.notices.queue_notice``, idempotent by key), as
the SMS template ``study.task_reminder`` (sms/system_templates.py).

Respected: a cadre who opted out of SMS gets nothing; nothing is queued in quiet hours (the next run after them
sends); a number that already had ``SMS_DAILY_CAP`` messages today (sent, or notices waiting) waits for the next
run. When both reminders are due at once (a task assigned less than N days before its deadline), only the last one
is sent.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sms.dispatch import quiet_until
from sms.models import Direction, Message, Notice
from sms.notices import queue_notice
from sms.system_templates import clip, limit
from study.models import StudyTask, TaskMember

REMINDER_TEMPLATE = "study.task_reminder"


def reminder_params(task: StudyTask) -> dict:
    """The reminder's values for its SMS template (sms.system_templates): a long title is shortened, marked "…"."""
    return {
        "title": clip(task.title, limit(REMINDER_TEMPLATE, "title")),
        "deadline": timezone.localtime(task.deadline).strftime("%m-%d %H:%M"),
    }


def _sent_today(phone: str, now: datetime.datetime) -> int:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    sent = Message.objects.filter(phone=phone, direction=Direction.OUTBOUND, created_at__gte=start).count()
    waiting = Notice.objects.filter(phone=phone, created_at__gte=start, status=Notice.Status.PENDING).count()
    return sent + waiting


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Queue the reminders due now; returns how many were queued."""
    now = now or timezone.now()
    if quiet_until(now):
        return 0
    queued = 0
    for task in StudyTask.objects.filter(deadline__gt=now, members__isnull=False).distinct():
        last_due = now >= task.deadline - datetime.timedelta(days=1)
        early_due = now >= task.deadline - datetime.timedelta(days=task.remind_days_before)
        if last_due:
            kind, field, pending = "last", "reminded_last_at", Q(reminded_last_at__isnull=True)
        elif early_due:
            kind, field, pending = "early", "reminded_early_at", Q(reminded_early_at__isnull=True)
        else:
            continue
        members = task.members.filter(pending, completed_at__isnull=True).select_related("cadre")
        params = reminder_params(task)
        for member in members.iterator(chunk_size=500):
            cadre = member.cadre
            if cadre.sms_opt_in:
                phone = str(cadre.phone)
                if _sent_today(phone, now) >= settings.SMS_DAILY_CAP:
                    continue  # over today's cap: the next run tries again
                key = f"study.task.{task.pk}.{cadre.pk}.{kind}"
                queue_notice(key, phone, cadre=cadre, template=REMINDER_TEMPLATE, params=params)
                queued += 1
            stamp = {field: now}
            if kind == "last":
                stamp["reminded_early_at"] = member.reminded_early_at or now
            TaskMember.objects.filter(pk=member.pk).update(**stamp)
    return queued
