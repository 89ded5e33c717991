"""When campaigns send: the minute sweep that starts due runs and resumes unfinished ones.

Every step is idempotent (a run per occurrence is unique; claims are atomic), so a sweep that runs twice, or at the
same time as another, changes nothing more than one would: django-q2 delivers a task at least once.
"""

import datetime
import logging
import zoneinfo

from croniter import croniter
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.enqueue import enqueue
from core.workdays import add_working_days, public_holidays
from sms import dispatch
from sms.models import Campaign, CampaignRun

logger = logging.getLogger(__name__)

ONCE = "once"
# A recurring occurrence missed while the site was down is still sent this long afterwards, not later.
RECURRING_CATCH_UP = datetime.timedelta(hours=6)
DEFAULT_HOLIDAY_SEND_TIME = datetime.time(9, 0)
# A build is resumed by the sweep when it has not finished after this long (its worker died).
STALE_BUILD = datetime.timedelta(minutes=5)


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def recurring_occurrence(campaign, now):
    """The latest cron time at or before `now` (local time), if it is recent and after the approval."""
    if not campaign.cron:
        return None
    local_now = now.astimezone(_tz())
    # croniter's get_prev is strict; a second later makes "now" itself count as an occurrence.
    previous = croniter(campaign.cron, local_now + datetime.timedelta(seconds=1)).get_prev(datetime.datetime)
    if now - previous > RECURRING_CATCH_UP or (campaign.approved_at and previous < campaign.approved_at):
        return None
    return previous


def holiday_send_times(campaign, years):
    """(send time, holiday) for each public holiday period of these years: N working days before its first day."""
    send_time = campaign.holiday_send_time or DEFAULT_HOLIDAY_SEND_TIME
    for year in years:
        for holiday in public_holidays(year):
            days = campaign.holiday_days_before
            day = holiday.first_day if days == 0 else add_working_days(holiday.first_day, -days)
            yield datetime.datetime.combine(day, send_time, tzinfo=_tz()), holiday


def holiday_occurrence(campaign, now):
    """The first day of the holiday whose reminder is due now (after its send time, before the holiday begins)."""
    today = now.astimezone(_tz()).date()
    for send_at, holiday in holiday_send_times(campaign, (today.year, today.year + 1)):
        ends = holiday.first_day + datetime.timedelta(days=1 if campaign.holiday_days_before == 0 else 0)
        if send_at <= now < datetime.datetime.combine(ends, datetime.time(0), tzinfo=_tz()):
            return holiday.first_day
    return None


def one_off_occurrence(campaign):
    """A one-off campaign sends once per approval: "once", and "once-2"... when, after an edit cancelled its run,
    it was approved again with new content (that approval deserves a run of its own)."""
    runs = list(
        campaign.runs.filter(occurrence__startswith=ONCE)
        .order_by("created_at")
        .values_list("occurrence", "status", "created_at")
    )
    if not runs:
        return ONCE
    occurrence, status, created_at = runs[-1]
    if status == CampaignRun.Status.CANCELLED and campaign.approved_at and created_at < campaign.approved_at:
        return f"{ONCE}-{len(runs) + 1}"
    return occurrence


# Two runs of one holiday campaign less than this apart remind of the same holiday (holidays are at least two weeks
# apart): its first day moved when the office entered the year's schedule after the provisional reminder went.
SAME_HOLIDAY_DAYS = 7


def already_run(campaign, occurrence):
    """Whether the campaign has run for this occurrence; for a holiday, for the same holiday under another date."""
    if campaign.timing != Campaign.Timing.HOLIDAY:
        return CampaignRun.objects.filter(campaign=campaign, occurrence=occurrence).exists()
    first_day = datetime.date.fromisoformat(occurrence)
    near = [
        (first_day + datetime.timedelta(days=n)).isoformat() for n in range(-SAME_HOLIDAY_DAYS, SAME_HOLIDAY_DAYS + 1)
    ]
    return CampaignRun.objects.filter(campaign=campaign, occurrence__in=near).exists()


def due_occurrence(campaign, now):
    """The occurrence key of the campaign's run due now, or None."""
    timing = campaign.timing
    if timing in (Campaign.Timing.NOW, Campaign.Timing.AT):
        if timing == Campaign.Timing.AT and not (campaign.send_at and campaign.send_at <= now):
            return None
        return one_off_occurrence(campaign)
    if timing == Campaign.Timing.RECURRING:
        occurrence = recurring_occurrence(campaign, now)
        return occurrence and occurrence.isoformat(timespec="minutes")
    if timing == Campaign.Timing.HOLIDAY:
        occurrence = holiday_occurrence(campaign, now)
        return occurrence and occurrence.isoformat()
    return None


def sweep(now=None, enqueue=None):
    """Start every due run and hand every run with due messages to a dispatch task. Returns what it did."""
    now = now or timezone.now()
    enqueue = enqueue or enqueue_dispatch
    started, resumed = [], []
    campaigns = Campaign.objects.filter(status__in=[Campaign.Status.APPROVED, Campaign.Status.SENDING])
    for campaign in campaigns:
        occurrence = due_occurrence(campaign, now)
        if occurrence and not already_run(campaign, occurrence):
            if (run := dispatch.start_run(campaign, occurrence)) is not None:
                started.append(run.pk)
    for run in CampaignRun.objects.filter(status=CampaignRun.Status.BUILDING, created_at__lt=now - STALE_BUILD):
        if cache.add(f"sms:build:{run.pk}", 1, timeout=600):
            dispatch.start_run(run.campaign, run.occurrence)
    if dispatch.quiet_until(now):
        return started, resumed
    for run in CampaignRun.objects.filter(status=CampaignRun.Status.DISPATCHING):
        has_due = run.deliveries.filter(dispatch._due(now)).exists()
        if (has_due or not dispatch.pending(run).exists()) and cache.add(
            dispatch_key(run.pk), 1, timeout=settings.SMS_DISPATCH_BUDGET + 30
        ):
            resumed.append(run.pk)
            enqueue(run.pk)
    return started, resumed


def dispatch_key(run_id):
    """Set while a dispatch task for the run is queued or working, so the sweep does not pile up more."""
    return f"sms:dispatch:{run_id}"


def enqueue_dispatch(run_id):
    # Not queued during a broker outage: the run's dispatch key expires and the next sweep tries again.
    enqueue("sms.tasks.dispatch_run", run_id, task_name=f"sms.dispatch_run.{run_id}")


def schedule_resume(run_id, at):
    """A one-off django-q2 schedule that wakes the run at `at` (the end of quiet hours, the next retry)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=f"sms.resume_run.{run_id}",
        defaults={
            "func": "sms.tasks.dispatch_run",
            "args": repr(run_id),
            "schedule_type": Schedule.ONCE,
            "repeats": -1,
            "next_run": at,
        },
    )
