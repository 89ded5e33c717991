import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sms import dispatch
from sms.gateways import get_gateway
from sms.gateways.console import GatewayBackend as Console
from sms.models import Campaign, CampaignRun, DailySendCount, Delivery, Message
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db


def statuses(run):
    return sorted(run.deliveries.values_list("status", flat=True))


def test_a_campaign_is_sent_once_to_every_valid_number_through_the_console(approved, cadres, settings):
    people = cadres(5)
    CadreFactory(phone="+14155550100")
    CadreFactory(phone="+8601012345678")
    campaign = approved(text="节日期间严守八项规定。")
    run = dispatch.start_run(campaign, "once")
    assert (run.status, run.recipients, run.skipped) == (CampaignRun.Status.DISPATCHING, 5, 2)
    skipped = dict(run.deliveries.filter(status="skipped").values_list("phone", "error_code"))
    assert {str(k): v for k, v in skipped.items()} == {"+14155550100": "foreign_number", "+861012345678": "not_mobile"}

    assert dispatch.dispatch_run(run.pk).state == "done"
    body = settings.SMS_SIGNATURE + "节日期间严守八项规定。"
    assert sorted(Console.outbox) == sorted((str(c.phone), body) for c in people)
    assert statuses(run) == ["sent"] * 5 + ["skipped"] * 2
    messages = Message.objects.filter(kind="campaign")
    assert messages.count() == 5
    assert all(m.delivery.provider_id == m.provider_id and m.cadre_id for m in messages)
    run.refresh_from_db()
    campaign.refresh_from_db()
    assert run.status == CampaignRun.Status.DONE and run.finished_at
    assert campaign.status == Campaign.Status.FINISHED
    # Running the task again (at-least-once delivery) sends nothing more.
    assert dispatch.dispatch_run(run.pk).state == "done" and len(Console.outbox) == 5


def test_starting_a_run_twice_makes_one_run(approved, cadres):
    cadres(3)
    campaign = approved()
    first = dispatch.start_run(campaign, "once")
    second = dispatch.start_run(campaign, "once")
    assert first.pk == second.pk and CampaignRun.objects.count() == 1 and Delivery.objects.count() == 3


def test_an_interrupted_build_is_resumed_without_duplicates(approved, cadres):
    cadres(7)
    campaign = approved()
    run = CampaignRun.objects.create(campaign=campaign, occurrence="once", body=dispatch.render_body(campaign))
    dispatch.build_deliveries(run, batch_size=3)
    Delivery.objects.filter(pk__in=list(run.deliveries.order_by("-cadre_id").values_list("pk", flat=True)[:4])).delete()
    run = dispatch.start_run(campaign, "once")
    assert run.deliveries.count() == 7 and run.recipients == 7


def test_short_links_are_random_base62_per_delivery(approved, cadres, home_page, settings):
    cadres(4)
    run = dispatch.start_run(approved(link_page=home_page), "once")
    codes = list(run.deliveries.values_list("short_code", flat=True))
    assert len(set(codes)) == 4 and all(re.fullmatch(r"[0-9A-Za-z]{8}", c) for c in codes)
    dispatch.dispatch_run(run.pk)
    sent = {to: body for to, body in Console.outbox}
    for delivery in run.deliveries.all():
        assert sent[str(delivery.phone)].endswith(f"{settings.WAGTAILADMIN_BASE_URL}/s/{delivery.short_code}")
        assert delivery.message.body == sent[str(delivery.phone)]


def test_building_and_sending_take_a_bounded_number_of_queries(approved, cadres, settings):
    settings.SMS_CONCURRENCY = 4

    def measure(n):
        Delivery.objects.all().delete()
        CampaignRun.objects.all().delete()
        Campaign.objects.all().delete()
        from directory.models import Cadre

        Cadre.objects.all().delete()
        cadres(n)
        campaign = approved()
        with CaptureQueriesContext(connection) as build:
            run = dispatch.start_run(campaign, "once")
        with CaptureQueriesContext(connection) as send:
            assert dispatch.dispatch_run(run.pk).state == "done"
        assert run.deliveries.filter(status="sent").count() == n
        return len(build), len(send)

    # (SQLite splits an INSERT past 999 parameters: stay under that to compare like with like.)
    assert measure(5) == measure(50)


def test_through_the_fake_twilio_server(approved, cadres, fake_twilio):
    people = cadres(6)
    run = dispatch.start_run(approved(), "once")
    assert dispatch.dispatch_run(run.pk).state == "done"
    stats = fake_twilio.stats()
    assert stats["accepted"] == 6 and stats["duplicates"] == 0 and stats["recipients"] == 6
    for cadre in people:
        [message] = fake_twilio.sent_to(str(cadre.phone))
        assert Delivery.objects.get(cadre=cadre).provider_id == message["sid"]


def test_retries_on_429_and_500_until_sent(approved, cadres, fake_twilio, settings):
    settings.SMS_MAX_ATTEMPTS = 12
    fake_twilio.configure(fail_429=0.3, fail_500=0.2, retry_after=0, seed=7)
    cadres(12)
    run = dispatch.start_run(approved(), "once")
    assert dispatch.dispatch_run(run.pk).state == "done"
    stats = fake_twilio.stats()
    assert stats["rejected_429"] and stats["rejected_500"]
    assert stats["accepted"] == 12 and stats["duplicates"] == 0
    assert statuses(run) == ["sent"] * 12
    assert sum(run.deliveries.values_list("attempts", flat=True)) > 12


def test_fails_after_max_attempts(approved, cadres, fake_twilio, settings):
    settings.SMS_MAX_ATTEMPTS = 3
    fake_twilio.configure(fail_429=1.0, retry_after=0)
    cadres(2)
    run = dispatch.start_run(approved(), "once")
    assert dispatch.dispatch_run(run.pk).state == "done"
    for delivery in run.deliveries.all():
        assert (delivery.status, delivery.attempts, delivery.error_code) == ("failed", 3, "20429")
    assert fake_twilio.stats()["accepted"] == 0 and not Message.objects.exists()


def test_a_refused_number_fails_at_once(approved, cadres, fake_twilio):
    people = cadres(2)
    fake_twilio.configure(reject={str(people[0].phone): 21610})
    run = dispatch.start_run(approved(), "once")
    dispatch.dispatch_run(run.pk)
    refused = run.deliveries.get(cadre=people[0])
    assert (refused.status, refused.attempts, refused.error_code) == ("failed", 1, "21610")
    assert run.deliveries.get(cadre=people[1]).status == "sent"


@pytest.mark.parametrize("fault", [{"accept_then_500": 0.6}, {"timeout": 0.5, "hang_seconds": 2.0}])
def test_maybe_sent_is_reconciled_not_resent(approved, cadres, fake_twilio, settings, fault):
    settings.TWILIO_TIMEOUT = 0.5
    fake_twilio.configure(seed=3, **fault)
    people = cadres(10)
    run = dispatch.start_run(approved(), "once")
    assert dispatch.dispatch_run(run.pk).state == "done"
    stats = fake_twilio.stats()
    assert stats.get("accepted_then_500", 0) + stats.get("accepted_then_hung", 0) > 0
    assert stats["accepted"] == 10 and stats["duplicates"] == 0 and stats["per_recipient_max"] == 1
    for cadre in people:
        [message] = fake_twilio.sent_to(str(cadre.phone))
        delivery = run.deliveries.get(cadre=cadre)
        assert (delivery.status, delivery.provider_id) == ("sent", message["sid"])


def test_a_worker_killed_mid_batch_neither_duplicates_nor_loses(approved, cadres, fake_twilio, settings):
    people = cadres(10)
    run = dispatch.start_run(approved(), "once")
    # A worker claims a batch, hands half of it to Twilio, and dies before recording anything.
    claims = dispatch.claim_batch(run, limit=8)
    gateway = get_gateway()
    for claim in claims[:4]:
        gateway.send(claim.phone, claim.body)
    assert fake_twilio.stats()["accepted"] == 4
    # While the lease runs, another worker leaves those rows alone.
    assert dispatch.dispatch_run(run.pk).state == "wait"
    assert run.deliveries.filter(status="sending").count() == 8
    # The lease runs out; the run is taken over and finished.
    Delivery.objects.filter(status="sending").update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert dispatch.dispatch_run(run.pk).state == "done"
    stats = fake_twilio.stats()
    assert stats["accepted"] == 10 and stats["duplicates"] == 0 and stats["recipients"] == len(people)
    assert statuses(run) == ["sent"] * 10 and Message.objects.count() == 10


def test_quiet_hours_hold_campaign_messages(approved, cadres, settings):
    local = timezone.localtime()
    start, end = local - datetime.timedelta(hours=1), local + datetime.timedelta(hours=1)
    settings.SMS_QUIET_HOURS = f"{start:%H:%M}-{end:%H:%M}"
    cadres(2)
    run = dispatch.start_run(approved(), "once")
    result = dispatch.dispatch_run(run.pk)
    assert result.state == "wait" and Console.outbox == []
    assert result.resume_at.astimezone(timezone.get_current_timezone()).strftime("%H:%M") == f"{end:%H:%M}"
    assert result.resume_at > timezone.now()
    settings.SMS_QUIET_HOURS = ""
    assert dispatch.dispatch_run(run.pk).state == "done" and len(Console.outbox) == 2


def test_quiet_until_wraps_midnight(settings):
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    tz = timezone.get_current_timezone()
    at = datetime.datetime(2026, 3, 2, 22, 30, tzinfo=tz)
    assert dispatch.quiet_until(at) == datetime.datetime(2026, 3, 3, 8, 0, tzinfo=tz)
    assert dispatch.quiet_until(at.replace(hour=7)) == datetime.datetime(2026, 3, 2, 8, 0, tzinfo=tz)
    assert dispatch.quiet_until(at.replace(hour=12)) is None


def test_daily_cap_defers_to_tomorrow_morning(approved, cadres, settings):
    settings.SMS_DAILY_CAP = 2
    settings.SMS_QUIET_HOURS = ""
    busy, free = cadres(2)
    today = timezone.localdate()
    DailySendCount.objects.create(phone=busy.phone, day=today, count=2)
    run = dispatch.start_run(approved(), "once")
    result = dispatch.dispatch_run(run.pk)
    assert result.state == "wait"
    assert [to for to, _body in Console.outbox] == [str(free.phone)]
    held = run.deliveries.get(cadre=busy)
    assert (held.status, held.attempts, held.error_code) == ("queued", 0, "daily_cap")
    assert timezone.localtime(held.next_attempt_at) == datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(0), tzinfo=timezone.get_current_timezone()
    )
    assert DailySendCount.objects.get(phone=free.phone, day=today).count == 1
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    assert dispatch.next_sending_day().astimezone(timezone.get_current_timezone()).time() == datetime.time(8, 0)


def test_pacing_holds_the_rate(approved, cadres, settings):
    settings.SMS_RATE = 20
    cadres(21)
    run = dispatch.start_run(approved(), "once")
    started = timezone.now()
    dispatch.dispatch_run(run.pk)
    elapsed = (timezone.now() - started).total_seconds()
    assert len(Console.outbox) == 21
    assert 0.8 <= elapsed < 2.5


def test_the_rate_bucket_is_shared_by_every_limiter_of_a_sender(settings):
    import threading
    import time

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}  # as if shared
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 4}
    shared = [dispatch.RateLimiter(50, "twilio:+1500") for _ in range(4)]
    assert all(limiter.rate == 50 for limiter in shared)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Not shared between processes: each of the 4 workers takes a quarter.
    assert dispatch.RateLimiter(50, "twilio:+1500").rate == 12.5

    taken = []

    def take(limiter):
        for _ in range(10):
            limiter.acquire()
            taken.append(time.monotonic())

    threads = [threading.Thread(target=take, args=(limiter,)) for limiter in shared]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 40 tokens at 50/s from one bucket (the default cache here is in-process, which all four share).
    assert 0.6 <= taken[-1] - started <= 1.2
