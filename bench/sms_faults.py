"""Exactly once under faults: 10,000 recipients, a fake provider failing 20% of requests (Twilio: 429/500; Aliyun:
per-number flow control, throttling, 5xx; both: some accepted then answered 500, some hanging past the timeout), and
dispatch workers killed with SIGKILL three times mid-run.

    .venv/bin/python bench/sms_faults.py [--gateway twilio|aliyun] [--recipients 10000] [--workers 2] [--kills 3]

Prints recipients, messages accepted by the fake, duplicates and lost; exits 1 unless both are 0 (and every
delivery ends "sent"). Needs PostgreSQL and Redis as on every development machine; makes and drops its database.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sms_common  # noqa: E402

# Short lease and backoff so that the rows of killed workers come back within seconds; enough attempts that
# 20% failures never exhaust them (0.2^15).
SETTINGS = {"SMS_CLAIM_LEASE": 6, "SMS_RETRY_BACKOFF": 0.05}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", choices=sorted(sms_common.FAKES), default="twilio")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", sms_common.DEFAULT_SERVER))
    args = parser.parse_args()
    rng = random.Random(args.seed)

    fake_process = sms_common.FAKES[args.gateway]()
    with fake_process as fake, sms_common.BenchDatabase(args.database_url, "bench_sms_faults") as db:
        env = sms_common.environment(
            db.url,
            fake,
            SMS_RATE=0,
            SMS_CONCURRENCY=8,
            SMS_MAX_ATTEMPTS=15,
            TWILIO_TIMEOUT=1.0,
            ALIYUN_SMS_TIMEOUT=1.0,
            BENCH_SETTINGS=json.dumps(SETTINGS),
        )
        sms_common.setup_django()
        from django.core.management import call_command
        from django.db import connections
        from django.db.models import Count

        from sms import dispatch
        from sms.models import Delivery

        call_command("migrate", verbosity=0, interactive=False)
        sms_common.generate_cadres(args.recipients)
        run = dispatch.start_run(sms_common.approved_campaign(), "faults")
        connections.close_all()
        fake.configure(seed=args.seed, **fake.quiet, **fake.faults)
        print(f"database: PostgreSQL {db.name}; fake {fake.gateway} at {fake.url}; faults {fake.faults}")

        workers = sms_common.Workers(run.pk, env)
        for _ in range(args.workers):
            workers.spawn()
        started = time.perf_counter()
        workers.go()
        kills = 0
        while kills < args.kills:
            # Kill while there is work in flight, at a random moment.
            time.sleep(rng.uniform(1.0, 4.0))
            sent = Delivery.objects.filter(run=run, status="sent").count()
            if sent >= run.recipients * 0.9:
                break
            victim = rng.choice(workers.processes)
            workers.kill(victim)
            kills += 1
            print(f"  SIGKILL worker {victim.pid} at {time.perf_counter() - started:5.1f} s ({sent:,} sent)")
            replacement = workers.spawn()
            workers.go([replacement])
        reports = workers.wait(timeout=1800)
        seconds = time.perf_counter() - started

        stats = fake.stats()
        statuses = dict(Delivery.objects.filter(run=run).values_list("status").annotate(n=Count("pk")))
        phones = set(Delivery.objects.filter(run=run).values_list("phone", flat=True))
        # 'recipients' is the number of distinct numbers the fake accepted a message for.
        lost = len(phones) - stats["recipients"]
        duplicates = stats["duplicates"]
        mismatched = _provider_ids_not_at_fake(fake, run)
        print(f"kills: {kills}; finished in {seconds:.1f} s; worker reports: {[r['sent'] for r in reports]}")
        print(f"fake: {json.dumps(stats, ensure_ascii=False)}")
        print(f"deliveries by status: {statuses}")
        print(f"recipients {len(phones):,}, accepted {stats['accepted']:,}, duplicates {duplicates}, lost {lost}")
        print(f"{duplicates} duplicates, {lost} lost")
        ok = (
            kills == args.kills
            and duplicates == 0
            and lost == 0
            and stats["accepted"] == len(phones)
            and statuses == {"sent": len(phones)}
            and not mismatched
        )
        if mismatched:
            print(f"deliveries recorded with an id the fake does not know: {mismatched}")
    print("exactly once: " + ("yes" if ok else "NO"))
    sys.exit(0 if ok else 1)


def _provider_ids_not_at_fake(fake, run):
    """Deliveries whose recorded provider id is not a message the fake accepted for that number (sampled)."""
    from sms.models import Delivery

    bad = 0
    for phone, provider_id in Delivery.objects.filter(run=run).order_by("?").values_list("phone", "provider_id")[:200]:
        try:
            bad += fake.owner_of(provider_id) != str(phone)
        except Exception:  # noqa: BLE001
            bad += 1
    return bad


if __name__ == "__main__":
    main()
