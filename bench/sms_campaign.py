"""Benchmark campaign dispatch: build the deliveries of 100,000 cadres, then send them through a fake provider
(its own process, real SDK and HTTP) with 1, 2 and 4 worker processes; memory of builder and workers.

    .venv/bin/python bench/sms_campaign.py [--gateway twilio|aliyun] [--recipients 100000] [--workers 1 2 4] [--rate R]

--gateway aliyun sends through the fake Alibaba Cloud SMS server beside the Twilio backend, in one run (same
database, same deliveries), and measures whether SendBatchSms (100 numbers a request) raises throughput over SendSms.

Needs PostgreSQL (and Redis for the shared rate bucket) as on every development machine. It creates its own
database on the server of --database-url (default postgres://postgres@127.0.0.1:5432/) and drops it afterwards.
Without --rate the sender is unlimited and throughput is what the machine gives; with --rate the achieved rate must
be within 5% of it. Peak memory (RSS) of each process must stay under 300 MB, and flat: it is printed at 10% of
the work and at the end. Exits 1 when a target is missed.
"""

import argparse
import contextlib
import itertools
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sms_common  # noqa: E402

MEMORY_LIMIT_MB = 300
RATE_TOLERANCE = 0.05


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", choices=sorted(sms_common.FAKES), default="twilio")
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rate", type=float, default=0.0, help="messages/s of the sender (0: unlimited)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight per worker")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", sms_common.DEFAULT_SERVER))
    args = parser.parse_args()

    failures = []
    names = ["twilio"] if args.gateway == "twilio" else ["twilio", args.gateway]
    with contextlib.ExitStack() as stack:
        fakes = [stack.enter_context(sms_common.FAKES[name]()) for name in names]
        db = stack.enter_context(sms_common.BenchDatabase(args.database_url, "bench_sms"))
        envs = [
            sms_common.environment(
                db.url, fake, SMS_RATE=args.rate, SMS_CONCURRENCY=args.concurrency, SMS_MAX_ATTEMPTS=5
            )
            for fake in fakes
        ]
        # This process talks to the first fake's settings; each worker gets its own gateway's environment.
        sms_common.environment(db.url, fakes[0], SMS_RATE=args.rate, SMS_CONCURRENCY=args.concurrency)
        sms_common.setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        where = ", ".join(f"fake {fake.gateway} at {fake.url}" for fake in fakes)
        print(f"database: PostgreSQL {db.name}; {where}; rate {args.rate or 'unlimited'}/s")
        failures += run(args, fakes, envs)
        if args.gateway == "aliyun":
            batch_vs_single(fakes[-1], args.concurrency)
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("all targets met")


def run(args, fakes, envs):
    from django.db.models import Max, Min

    from sms import dispatch
    from sms.models import Delivery

    failures = []
    started = time.perf_counter()
    sms_common.generate_cadres(args.recipients)
    print(f"cadres: {args.recipients:,} generated in {time.perf_counter() - started:.1f} s")

    campaign = sms_common.approved_campaign()
    rss_before = sms_common.rss_mb()
    started = time.perf_counter()
    samples = []
    original = dispatch._insert_deliveries

    def sampled(run, rows, with_link):
        original(run, rows, with_link)
        samples.append(sms_common.rss_mb())

    dispatch._insert_deliveries = sampled
    run = dispatch.start_run(campaign, "bench")
    dispatch._insert_deliveries = original
    build_seconds = time.perf_counter() - started
    early = samples[max(len(samples) // 10 - 1, 0)]
    print(
        f"build: {run.recipients:,} deliveries in {build_seconds:.1f} s ({run.recipients / build_seconds:,.0f}/s); "
        f"RSS {rss_before:.0f} MB before, {early:.0f} MB at 10%, {samples[-1]:.0f} MB at the end, "
        f"peak {sms_common.peak_rss_mb():.0f} MB"
    )
    if sms_common.peak_rss_mb() > MEMORY_LIMIT_MB:
        failures.append(f"builder peak RSS {sms_common.peak_rss_mb():.0f} MB")
    if samples[-1] - early > 30:
        failures.append(f"builder memory grew from {early:.0f} to {samples[-1]:.0f} MB")

    from django.db import connections

    connections.close_all()
    for (fake, env), count in itertools.product(zip(fakes, envs, strict=True), args.workers):
        sms_common.reset_run(run)
        fake.reset()
        fake.configure(**fake.quiet)
        workers = sms_common.Workers(run.pk, {**env, "BENCH_SETTINGS": json.dumps({})})
        for _ in range(count):
            workers.spawn()
        started = time.perf_counter()
        workers.go()
        reports = workers.wait(timeout=3600)
        seconds = time.perf_counter() - started
        stats = fake.stats()
        sent_rows = Delivery.objects.filter(run=run, status="sent").count()
        rate = sent_rows / seconds
        peak = max(r["peak_rss_mb"] for r in reports)
        print(
            f"{fake.gateway:>6} {count} worker{'s' if count > 1 else ' '}: {sent_rows:,} sent in {seconds:6.1f} s = "
            f"{rate:7.1f} msg/s; "
            f"fake accepted {stats['accepted']:,}, duplicates {stats['duplicates']}; worker RSS at 10% "
            f"{max(r['rss_at_10pct_mb'] for r in reports):.0f} MB, at end {max(r['rss_end_mb'] for r in reports):.0f} "
            f"MB, peak {peak:.0f} MB"
        )
        if sent_rows != run.recipients or stats["accepted"] != run.recipients or stats["duplicates"]:
            failures.append(
                f"{fake.gateway} {count} workers: {sent_rows} sent, {stats['accepted']} accepted of {run.recipients}"
            )
        if peak > MEMORY_LIMIT_MB:
            failures.append(f"{count} workers: peak RSS {peak:.0f} MB")
        if args.rate:
            # The pace while sending: first to last message recorded (the wall time above also counts process
            # start-up hand-over and exit, about a second).
            span = Delivery.objects.filter(run=run).aggregate(first=Min("sent_at"), last=Max("sent_at"))
            paced = (sent_rows - 1) / (span["last"] - span["first"]).total_seconds()
            ok = abs(paced - args.rate) <= args.rate * RATE_TOLERANCE
            print(
                f"  achieved rate {paced:.1f}/s while sending ({rate:.1f}/s wall clock) for a target of "
                f"{args.rate:g}/s: {'met' if ok else 'NOT MET'}"
            )
            if not ok:
                failures.append(f"{count} workers: rate {paced:.1f}/s")
    return failures


def batch_vs_single(fake, concurrency, messages=5000):
    """Messages/s through SendSms (one number a request) and SendBatchSms (100 a request), same threads in flight."""
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from sms.gateways.aliyun import GatewayBackend

    values = {key: value for key, value in fake.settings().items() if key.startswith("ALIYUN_")}
    config = SimpleNamespace(
        **values,
        ALIYUN_SMS_REGION="cn-hangzhou",
        ALIYUN_SMS_TIMEOUT=10,
        ALIYUN_SMS_FALLBACK_PARAM="content",
        ALIYUN_SMS_CALLBACK_SECRET="",
        ALIYUN_SMS_CALLBACK_SOURCES=[],
        SMS_SIGNATURE="【清河市纪委监委】",
    )
    gateway = GatewayBackend(config)
    items = [(f"+86137{i:08d}", f"【清河市纪委监委】节日将至，请廉洁过节。{i}") for i in range(messages)]
    figures = {}
    for label, work, chunks in (
        ("SendSms", lambda item: gateway.send(*item), items),
        ("SendBatchSms", gateway.send_batch, [items[i : i + 100] for i in range(0, len(items), 100)]),
    ):
        fake.reset()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(work, chunks))
        figures[label] = messages / (time.perf_counter() - started)
        assert fake.stats()["accepted"] == messages
    print(
        f"aliyun one process, {concurrency} requests in flight: SendSms {figures['SendSms']:,.0f} msg/s, "
        f"SendBatchSms {figures['SendBatchSms']:,.0f} msg/s (100 numbers a request)"
    )


if __name__ == "__main__":
    main()
