"""SMS reminders of study tasks: members who have not finished are reminded N days and 1 day before the deadline,
once each, through the SMS service's transactional notices (``sms.notices.queue_notice``, idempotent by key).

Respected: a cadre who opted out of SMS gets nothing; nothing is queued in quiet hours (the next run after them
sends); a number that already had ``SMS_DAILY_CAP`` messages today (sent, or notices waiting) waits for the next
run. When both reminders are due at once (a task assigned less than N days before its deadline), only the last one
is sent.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sms.dispatch import quiet_until
from sms.models import Direction, Message, Notice
from sms.notices import queue_notice
from study.models import StudyTask, TaskMember


def reminder_text(task: StudyTask) -> str:
    """The reminder, in the site's language (cadres read Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        deadline = timezone.localtime(task.deadline).strftime("%m-%d %H:%M")
        return _("Study task “%(title)s” is due %(deadline)s and you have not finished it. Open Qingfeng to study.") % {
            "title": task.title,
            "deadline": deadline,
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
        body = reminder_text(task)
        for member in members.iterator(chunk_size=500):
            cadre = member.cadre
            if cadre.sms_opt_in:
                phone = str(cadre.phone)
                if _sent_today(phone, now) >= settings.SMS_DAILY_CAP:
                    continue  # over today's cap: the next run tries again
                queue_notice(f"study.task.{task.pk}.{cadre.pk}.{kind}", phone, body, cadre=cadre)
                queued += 1
            stamp = {field: now}
            if kind == "last":
                stamp["reminded_early_at"] = member.reminded_early_at or now
            TaskMember.objects.filter(pk=member.pk).update(**stamp)
    return queued
