import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from sms import dispatch, scheduling, tasks
from sms.gateways.console import GatewayBackend as Console
from sms.models import Campaign, CampaignRun

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def local(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def test_the_minute_sweep_sends_an_approved_campaign_through_django_q(approved, cadres):
    cadres(3)
    campaign = approved()
    call_command("setup_schedules", verbosity=0)
    sweep = Schedule.objects.get(name="sms.sweep_campaigns")
    assert (sweep.func, sweep.schedule_type, sweep.minutes) == ("sms.tasks.sweep_campaigns", Schedule.MINUTES, 1)
    Schedule.objects.filter(pk=sweep.pk).update(next_run=timezone.now() - datetime.timedelta(seconds=1))
    scheduler()  # test settings run the task synchronously
    run = CampaignRun.objects.get(campaign=campaign)
    assert (run.occurrence, run.status) == ("once", CampaignRun.Status.DONE)
    assert len(Console.outbox) == 3
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED


def test_sweeping_twice_is_harmless(approved, cadres):
    cadres(2)
    approved()
    scheduling.sweep()
    scheduling.sweep()
    assert CampaignRun.objects.count() == 1 and len(Console.outbox) == 2


def test_a_set_time_waits_for_it(approved, cadres):
    cadres(1)
    campaign = approved(timing=Campaign.Timing.AT, send_at=timezone.now() + datetime.timedelta(hours=1))
    scheduling.sweep()
    assert not CampaignRun.objects.exists()
    scheduling.sweep(now=timezone.now() + datetime.timedelta(hours=1, seconds=1))
    assert CampaignRun.objects.get().campaign == campaign


def test_recurring_occurrences(make_campaign):
    campaign = make_campaign(timing=Campaign.Timing.RECURRING, cron="30 8 * * 1")
    campaign.approved_at = local(2026, 2, 20, 12, 0)
    monday = local(2026, 3, 2, 8, 30)
    assert scheduling.due_occurrence(campaign, monday) == "2026-03-02T08:30+08:00"
    assert scheduling.due_occurrence(campaign, monday + datetime.timedelta(hours=2)) == "2026-03-02T08:30+08:00"
    assert scheduling.due_occurrence(campaign, monday - datetime.timedelta(minutes=1)) is None  # last week's: old
    assert scheduling.due_occurrence(campaign, monday + datetime.timedelta(hours=7)) is None  # too late to catch up
    campaign.approved_at = local(2026, 3, 2, 9, 0)
    assert scheduling.due_occurrence(campaign, monday + datetime.timedelta(hours=1)) is None  # before approval


def test_a_recurring_campaign_runs_once_per_occurrence(approved, cadres):
    cadres(2)
    campaign = approved(timing=Campaign.Timing.RECURRING, cron="* * * * *")
    Campaign.objects.filter(pk=campaign.pk).update(approved_at=timezone.now() - datetime.timedelta(hours=1))
    now = timezone.now()
    scheduling.sweep(now=now)
    scheduling.sweep(now=now)
    scheduling.sweep(now=now + datetime.timedelta(minutes=1))
    runs = list(CampaignRun.objects.order_by("occurrence").values_list("occurrence", "status"))
    assert len(runs) == 2 and all(status == "done" for _o, status in runs)
    assert len(Console.outbox) == 4
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED  # waiting for its next occurrence


def test_holiday_reminders_fall_on_the_right_working_days(make_campaign):
    campaign = make_campaign(timing=Campaign.Timing.HOLIDAY, holiday_days_before=1)
    times = {h.name: t for t, h in scheduling.holiday_send_times(campaign, [2026])}
    assert times["春节"] == local(2026, 2, 14, 9, 0)  # a Saturday worked in exchange (调休)
    assert times["清明节"] == local(2026, 4, 3, 9, 0)
    assert times["中秋节"] == local(2026, 9, 24, 9, 0)
    assert times["国庆节"] == local(2026, 9, 30, 9, 0)
    campaign.holiday_days_before = 2
    campaign.holiday_send_time = datetime.time(16, 30)
    times = {h.name: t for t, h in scheduling.holiday_send_times(campaign, [2025])}
    assert times["国庆节、中秋节"] == local(2025, 9, 29, 16, 30)  # Sunday 28 September is worked
    assert times["春节"] == local(2025, 1, 26, 16, 30)  # Sunday 26 January 2025 was worked too


def test_holiday_occurrence_is_the_first_day_of_the_holiday(make_campaign):
    campaign = make_campaign(timing=Campaign.Timing.HOLIDAY, holiday_days_before=1)
    assert scheduling.due_occurrence(campaign, local(2026, 2, 14, 8, 59)) is None
    assert scheduling.due_occurrence(campaign, local(2026, 2, 14, 9, 0)) == "2026-02-15"
    assert scheduling.due_occurrence(campaign, local(2026, 2, 14, 23, 59)) == "2026-02-15"
    assert scheduling.due_occurrence(campaign, local(2026, 2, 15, 0, 0)) is None  # the holiday has begun
    assert scheduling.due_occurrence(campaign, local(2026, 12, 31, 9, 30)) == "2027-01-01"


NOTICE_2027 = (
    "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
    "二、春节：2月6日（周六）至11日（周四）放假调休，共6天。\n"
)


def test_a_holiday_reminded_of_provisionally_is_not_reminded_again_when_the_office_moves_it(approved, cadres):
    from core import calendar
    from core.holiday_notice import parse_notice

    cadres(2)
    campaign = approved(timing=Campaign.Timing.HOLIDAY, holiday_days_before=1)
    # No schedule for 2027 yet: 春节 is provisional from Friday 5 February, reminded of the working day before.
    scheduling.sweep(now=local(2027, 2, 4, 9, 0))
    assert list(campaign.runs.values_list("occurrence", flat=True)) == ["2027-02-05"]
    # The office enters the notice: the holiday starts on Saturday 6 February, so Friday 5 is now the day before.
    calendar.save_schedule(parse_notice(NOTICE_2027), today=datetime.date(2027, 2, 4))
    assert scheduling.due_occurrence(campaign, local(2027, 2, 5, 9, 0)) == "2027-02-06"
    scheduling.sweep(now=local(2027, 2, 5, 9, 0))
    assert list(campaign.runs.values_list("occurrence", flat=True)) == ["2027-02-05"]
    assert len(Console.outbox) == 2  # each cadre once


def test_a_run_left_by_a_dead_worker_is_resumed(approved, cadres):
    cadres(4)
    campaign = approved()
    run = dispatch.start_run(campaign, scheduling.one_off_occurrence(campaign))
    dispatch.claim_batch(run, limit=2)  # ...and the worker dies
    assert scheduling.sweep() == ([], [run.pk])
    assert len(Console.outbox) == 2  # the claimed two are still under their lease
    run.deliveries.filter(status="sending").update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    scheduling.sweep()
    run.refresh_from_db()
    assert run.status == CampaignRun.Status.DONE and len(Console.outbox) == 4


def test_a_dispatch_task_that_failed_leaves_the_run_to_the_next_sweep(approved, cadres, monkeypatch):
    cadres(2)
    campaign = approved()
    run = dispatch.start_run(campaign, scheduling.one_off_occurrence(campaign))
    cache.set(scheduling.dispatch_key(run.pk), 1, timeout=300)  # as when the sweep enqueued the task

    def database_gone(run_id, budget=None, gateway=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(dispatch, "dispatch_run", database_gone)
    with pytest.raises(OperationalError):
        tasks.dispatch_run(run.pk)
    monkeypatch.undo()
    enqueued = []
    scheduling.sweep(enqueue=enqueued.append)
    assert enqueued == [run.pk]


def test_quiet_hours_are_left_alone_and_the_run_is_woken_at_their_end(approved, cadres, settings):
    cadres(1)
    campaign = approved()
    run = dispatch.start_run(campaign, scheduling.one_off_occurrence(campaign))
    now = timezone.localtime()
    end = now + datetime.timedelta(hours=2)
    settings.SMS_QUIET_HOURS = f"{now - datetime.timedelta(hours=1):%H:%M}-{end:%H:%M}"
    from sms.tasks import dispatch_run

    assert dispatch_run(run.pk) == "wait"
    wake = Schedule.objects.get(name=f"sms.resume_run.{run.pk}")
    assert wake.func == "sms.tasks.dispatch_run" and wake.schedule_type == Schedule.ONCE
    assert timezone.localtime(wake.next_run).strftime("%H:%M") == f"{end:%H:%M}"
    assert scheduling.sweep() == ([], []) and Console.outbox == []


def test_a_sweep_with_nothing_due_is_cheap(approved, django_assert_max_num_queries):
    approved(timing=Campaign.Timing.AT, send_at=timezone.now() + datetime.timedelta(days=1))
    approved(timing=Campaign.Timing.HOLIDAY)
    with django_assert_max_num_queries(4):
        scheduling.sweep(now=local(2026, 3, 10, 10, 0))
