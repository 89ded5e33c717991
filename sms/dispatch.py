"""Campaign sending: build a run's deliveries, then send them exactly once, paced, retried and resumable.

Exactly once, with workers that may be killed (SIGKILL) at any instant and restarted:

- A message can reach the provider only between two commits: the *claim* (status ``sending``, ``claimed_at``,
  a lease in ``next_attempt_at``, ``attempts + 1``) and the *record* (status ``sent`` with the provider id and the
  Message log row, in one transaction). Before the claim commits nothing is sent; after the record commits the row
  is never claimed again.
- A row found ``sending`` whose lease has run out (its worker died) or whose last attempt ended in a
  ``TemporaryError(maybe_sent=True)`` is never sent blindly: it is first *reconciled*, asking the gateway
  ``find_sent(to, body, since=claimed_at - margin)``. Found: recorded as sent with that id. Not found: sent again.
  ``claimed_at`` keeps the time of the earliest attempt that may have reached the provider (it is not moved while
  the row stays uncertain), so the question always covers every earlier attempt. The body is the same text for
  every attempt (the run's body and the delivery's own short code), which is what the provider is asked about.
- A row goes back to plain ``queued`` (sendable without asking) only when the gateway said the message was not
  taken (TemporaryError with maybe_sent False, HTTP 429) or reconciliation said so. A DeferredError (the number's
  own limit at the provider) or AccountError (the account refused: a SendingHold stops claiming, sms.holds) puts it
  back without using the attempt.
- A live worker never starts a send on a claim older than half the lease, and the lease (SMS_CLAIM_LEASE) is far
  longer than one request (TWILIO_TIMEOUT), so a row is never in two workers' hands at once; claims take rows
  with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite runs one worker and serialises writers).
- Nothing is lost: every row not final is either ``queued`` (taken when due) or ``sending`` with a lease that
  expires; the minute sweep resumes any run that still has due rows. After SMS_MAX_ATTEMPTS a row fails, except
  that a row whose last attempt may have been sent gets one more reconciliation before it is called failed.

This rests on the gateway's promises (sms/gateways/base.py): an accepted message is visible to ``find_sent``
at once, and a TemporaryError with maybe_sent False really was not accepted. Recording is batched (one
transaction per 100 results or 0.2 s): a crash loses only the record, and reconciliation recovers it. Limits: a
process frozen (not killed) for longer than half the lease could still send late; and two runs sending the same
text without a link to one number within minutes could let reconciliation take the other run's message for its
own (a provider id is recorded once, so that clash is detected and the row resent).

Pacing: a token bucket per sender shared through the cache (Redis in any deployment with several workers; see
RateLimiter). Concurrency: SMS_CONCURRENCY requests in flight in a thread pool, so a slow gateway does not hold
throughput below SMS_RATE; the threads only talk to the gateway, every database write happens in the loop's
thread. Quiet hours: campaign messages wait until SMS_QUIET_HOURS end. Daily cap: see _apply_daily_cap.

This module is one contract kept whole on purpose: building, claiming, sending, recording and reconciling are the
steps of the exactly-once argument above, and split apart no single file would show why it holds.
"""

import datetime
import logging
import math
import random
import secrets
import string
import time
import zoneinfo
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sms import holds, services, templating
from sms.audience import audience
from sms.encoding import SegmentInfo, segment_info
from sms.gateways import (
    AccountError,
    DeferredError,
    Gateway,
    GatewayError,
    PermanentError,
    TemporaryError,
    get_gateway,
)
from sms.models import (
    Campaign,
    CampaignRun,
    DailySendCount,
    Delivery,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
)

logger = logging.getLogger(__name__)

LINK_PLACEHOLDER = "{link}"
BUILD_BATCH = 2000
RECORD_BATCH = 100
RECORD_DELAY = 0.2  # seconds
# Provider clocks and ours differ a little: ask about messages from a bit before our claim.
RECONCILE_MARGIN = datetime.timedelta(seconds=60)
BASE62 = string.digits + string.ascii_letters
# How long find_sent may keep failing on an uncertain row before it is called failed.
MAX_RECONCILE_ATTEMPTS_FACTOR = 2


# --- Building a run ------------------------------------------------------------------------------------------------


def render_body(campaign: Campaign) -> str:
    """The run's text, rendered once: signed, with a placeholder for each recipient's short link, and the opt-out
    line (services.opt_out_suffix)."""
    text = services.signed(services.campaign_text(campaign).strip())
    if campaign.link_page_id:
        text = f"{text} {LINK_PLACEHOLDER}"
    return text + services.opt_out_suffix(text)


def delivery_body(run_body: str, short_code: str | None, recipient: dict | None = None) -> str:
    """One recipient's text. Deterministic, so that reconciliation asks the provider about exactly what was sent.

    A template's per-recipient variables (${name}, ${post}, ${unit}) are filled from the cadre's own row.
    """
    if recipient is not None and "${" in run_body:
        run_body = templating.fill_recipient(run_body, recipient)
    if short_code and LINK_PLACEHOLDER in run_body:
        return run_body.replace(LINK_PLACEHOLDER, services.short_link(short_code), 1)
    return run_body


def new_short_code() -> str:
    return "".join(secrets.choice(BASE62) for _ in range(services.SHORT_CODE_LENGTH))


def start_run(campaign: Campaign, occurrence: object) -> CampaignRun | None:
    """Create the run of one occurrence and its deliveries; a repeated trigger returns the existing run.

    Returns None when the campaign may not send (not approved, or approval no longer matches its content).
    A build interrupted by a crash is resumed by calling this again.
    """
    campaign.refresh_from_db()
    if campaign.status not in (Campaign.Status.APPROVED, Campaign.Status.SENDING) or not campaign.is_approved:
        return None
    if not _template_usable(campaign):
        return None
    run, _created = CampaignRun.objects.get_or_create(
        campaign=campaign, occurrence=str(occurrence), defaults={"body": render_body(campaign)}
    )
    if run.status != CampaignRun.Status.BUILDING:
        return run
    build_deliveries(run)
    counts = {
        "recipients": run.deliveries.exclude(status=DeliveryStatus.SKIPPED).count(),
        "skipped": run.deliveries.filter(status=DeliveryStatus.SKIPPED).count(),
    }
    with transaction.atomic():
        CampaignRun.objects.filter(pk=run.pk, status=CampaignRun.Status.BUILDING).update(
            status=CampaignRun.Status.DISPATCHING, started_at=timezone.now(), **counts
        )
        campaign.refresh_from_db(fields=["status"])
        if campaign.status == Campaign.Status.APPROVED:
            services._transition(campaign, "start")
    run.refresh_from_db()
    logger.info("run %s built: %s recipients, %s skipped", run.pk, run.recipients, run.skipped)
    return run


def build_deliveries(run: CampaignRun, batch_size: int | None = None) -> None:
    """Stream the audience in pk order and insert its deliveries in batches; resumable after a crash."""
    batch_size = batch_size or BUILD_BATCH
    with_link = LINK_PLACEHOLDER in run.body
    cadres = audience(run.campaign)
    # Each batch commits whole (rows and short-code check together), so everything up to the highest cadre built
    # is complete and a resumed build continues after it.
    last = run.deliveries.aggregate(last=Max("cadre_id"))["last"] or 0
    while True:
        rows = list(cadres.filter(pk__gt=last).values_list("pk", "phone")[:batch_size])
        if not rows:
            return
        with transaction.atomic():
            _insert_deliveries(run, rows, with_link)
        last = rows[-1][0]


def _insert_deliveries(run, rows, with_link):
    objs = []
    for cadre_id, phone in rows:
        problem = services.recipient_problem(phone)
        objs.append(
            Delivery(
                run=run,
                cadre_id=cadre_id,
                phone=phone,
                status=DeliveryStatus.SKIPPED if problem else DeliveryStatus.QUEUED,
                error_code=problem or "",
                error_message=str(services.SkipReason.labels[problem]) if problem else "",
                short_code=new_short_code() if with_link and not problem else None,
            )
        )
    Delivery.objects.bulk_create(objs, ignore_conflicts=True)
    if not with_link:
        return
    # ignore_conflicts also swallows a (one in 10^9) clash of random short codes: find such rows and redo them.
    for _attempt in range(5):
        ids = [o.cadre_id for o in objs]
        present = set(run.deliveries.filter(cadre_id__in=ids).values_list("cadre_id", flat=True))
        objs = [o for o in objs if o.cadre_id not in present]
        if not objs:
            return
        for o in objs:
            o.short_code = new_short_code()
        Delivery.objects.bulk_create(objs, ignore_conflicts=True)
    raise RuntimeError(f"could not insert deliveries for cadres {[o.cadre_id for o in objs]}")


# --- Time rules ----------------------------------------------------------------------------------------------------


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _quiet_hours():
    spec = (settings.SMS_QUIET_HOURS or "").strip()
    if not spec:
        return None
    start, end = (datetime.time.fromisoformat(part.strip()) for part in spec.split("-"))
    return start, end


def quiet_until(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When quiet hours end if `now` is inside them (Asia/Shanghai local time), else None."""
    hours = _quiet_hours()
    if not hours:
        return None
    start, end = hours
    local = (now or timezone.now()).astimezone(_tz())
    t = local.time()
    inside = (t >= start or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, end, tzinfo=_tz())


def next_sending_day(now: datetime.datetime | None = None) -> datetime.datetime:
    """The start of tomorrow's sending hours (the end of quiet hours, else midnight), local time."""
    local = (now or timezone.now()).astimezone(_tz())
    hours = _quiet_hours()
    start = hours[1] if hours else datetime.time(0, 0)
    return datetime.datetime.combine(local.date() + datetime.timedelta(days=1), start, tzinfo=_tz())


def backoff(attempts: int, retry_after: float | None = None) -> datetime.timedelta:
    """Exponential backoff with jitter (so that retries of a failed burst spread out), at least retry_after."""
    base = settings.SMS_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    delay = min(base, 3600) * random.uniform(0.5, 1.5)
    return datetime.timedelta(seconds=max(delay, float(retry_after or 0)))


# --- Pacing --------------------------------------------------------------------------------------------------------


class RateLimiter:
    """A token bucket of `rate` messages/s per sender, shared by every worker process through the cache.

    Time is cut into windows of 0.1 s; window k holds floor((k+1)·r) - floor(k·r) tokens (r = rate per window), so
    any rate is met exactly on average, fractional ones (a long code's 1/s) included, and bursts stay a tenth of a
    second long. Taking a token is one atomic cache.incr: on Redis (the broker and cache of every deployment with
    several workers) all processes share the bucket. The in-process cache is not shared, so there each of the
    Q_CLUSTER workers gets rate/workers: never faster than the sender allows (with one worker, the SQLite
    default, that is the whole rate).
    """

    WINDOW = 0.1

    def __init__(self, rate: float | None, sender: str) -> None:
        self.rate = float(rate or 0)
        if self.rate > 0 and not _cache_is_shared():
            self.rate /= max(int(settings.Q_CLUSTER.get("workers", 1) or 1), 1)
        self.key = f"sms:bucket:{sender}"

    def acquire(self) -> None:
        if self.rate <= 0 or math.isinf(self.rate):
            return
        per_window = self.rate * self.WINDOW
        while True:
            now = time.time()
            k = int(now / self.WINDOW)
            tokens = math.floor((k + 1) * per_window) - math.floor(k * per_window)
            if tokens > 0:
                key = f"{self.key}:{k}"
                cache.add(key, 0, timeout=10)
                try:
                    if cache.incr(key) <= tokens:
                        return
                except ValueError:  # the key expired between add and incr
                    continue
            time.sleep(max((k + 1) * self.WINDOW - now, 0.001))


def _cache_is_shared():
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


# --- Claiming ------------------------------------------------------------------------------------------------------


@dataclass
class Claim:
    pk: int
    cadre_id: int
    phone: str
    body: str
    attempts: int  # including this claim
    claimed_at: datetime.datetime  # as stored: the earliest attempt that may have reached the provider
    uncertain: bool  # an earlier attempt may have reached the provider: ask before sending
    send_by: float  # time.monotonic() after which this worker must not start a send


def _due(now):
    return Q(status=DeliveryStatus.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)) | Q(
        status=DeliveryStatus.SENDING, next_attempt_at__lte=now
    )


def claim_batch(run: CampaignRun, limit: int, now: datetime.datetime | None = None) -> list[Claim]:
    """Take up to `limit` due deliveries of the run for this worker, in one transaction.

    Fresh rows become `sending` with claimed_at now; uncertain rows keep their claimed_at (see the module
    docstring). Every claimed row gets a lease (next_attempt_at) and attempts + 1.
    """
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=settings.SMS_CLAIM_LEASE)
    with transaction.atomic():
        rows = run.deliveries.filter(_due(now)).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        rows = list(
            rows.values_list("pk", "cadre_id", "phone", "status", "attempts", "claimed_at", "short_code", "error_code")[
                :limit
            ]
        )
        if not rows:
            return []
        deferred = _apply_daily_cap(rows, now)
        rows = [r for r in rows if r[0] not in deferred]
        fresh = [r[0] for r in rows if r[3] == DeliveryStatus.QUEUED]
        uncertain = [r[0] for r in rows if r[3] == DeliveryStatus.SENDING]
        common = {
            "status": DeliveryStatus.SENDING,
            "attempts": F("attempts") + 1,
            "next_attempt_at": now + lease,
            "updated_at": now,
        }
        if fresh:
            Delivery.objects.filter(pk__in=fresh).update(claimed_at=now, **common)
        if uncertain:
            Delivery.objects.filter(pk__in=uncertain).update(**common)
    send_by = time.monotonic() + settings.SMS_CLAIM_LEASE / 2
    recipients = templating.recipients_of(run.body, [r[1] for r in rows])
    return [
        Claim(
            pk=pk,
            cadre_id=cadre_id,
            phone=phone if isinstance(phone, str) else phone.as_e164,
            body=delivery_body(run.body, short_code, recipients.get(cadre_id)),
            attempts=attempts + 1,
            # (A row put in "sending" by anything but a claim has no claim time: then ask about the whole lease.)
            claimed_at=(claimed_at or now - lease) if status == DeliveryStatus.SENDING else now,
            uncertain=status == DeliveryStatus.SENDING,
            send_by=send_by,
        )
        for pk, cadre_id, phone, status, attempts, claimed_at, short_code, _error in rows
    ]


def _apply_daily_cap(rows, now):
    """Count first attempts against SMS_DAILY_CAP per number and local day; defer the rows over it.

    Decision: the counter is taken at claim (so two runs claimed at once by two workers cannot both pass the cap)
    and once per delivery: retries of the same delivery do not count again. A deferred row stays `queued` with
    next_attempt_at at the start of tomorrow's sending hours, without using an attempt. Returns the deferred pks.
    """
    cap = settings.SMS_DAILY_CAP
    # A row the provider handed back (DeferredError, AccountError) has its attempt back but was counted already.
    first = [r for r in rows if r[3] == DeliveryStatus.QUEUED and r[4] == 0 and r[7] in ("", "daily_cap")]
    if not cap or not first:
        return set()
    today = now.astimezone(_tz()).date()
    phones = sorted({str(r[2]) for r in first})
    DailySendCount.objects.bulk_create(
        [DailySendCount(phone=p, day=today, count=0) for p in phones], ignore_conflicts=True
    )
    # Locked in phone order, so that workers taking counters of overlapping numbers cannot deadlock.
    counters = {
        str(phone): [pk, count]
        for pk, phone, count in DailySendCount.objects.select_for_update()
        .filter(day=today, phone__in=phones)
        .order_by("phone")
        .values_list("pk", "phone", "count")
    }
    counted, deferred = [], set()
    for r in first:
        counter = counters[str(r[2])]
        if counter[1] < cap:
            counter[1] += 1
            counted.append(counter[0])
        else:
            deferred.add(r[0])
    if counted:
        DailySendCount.objects.filter(pk__in=counted).update(count=F("count") + 1)
    if deferred:
        Delivery.objects.filter(pk__in=deferred).update(
            next_attempt_at=next_sending_day(now),
            error_code="daily_cap",
            error_message=_("Daily limit for this number reached; sending tomorrow"),
            updated_at=now,
        )
    return deferred


# --- Sending -------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    claim: Claim
    kind: str  # sent | retry | failed | unconfirmed | reconcile_error | expired
    provider_id: str = ""
    error: GatewayError | None = None
    maybe_sent: bool = False
    reconciled: bool = False


def attempt(claim: Claim, gateway: Gateway, limiter: RateLimiter, status_callback: str | None = None) -> Outcome:
    """One delivery's gateway work; runs in a pool thread and touches no database."""
    if time.monotonic() > claim.send_by:
        return Outcome(claim, "expired")
    if claim.uncertain:
        try:
            found = gateway.find_sent(claim.phone, claim.body, since=claim.claimed_at - RECONCILE_MARGIN)
        except GatewayError as error:
            return Outcome(claim, "reconcile_error", error=error, maybe_sent=True)
        if found:
            return Outcome(claim, "sent", provider_id=found, reconciled=True)
        if claim.attempts > settings.SMS_MAX_ATTEMPTS:
            return Outcome(claim, "unconfirmed")
    limiter.acquire()
    try:
        result = gateway.send(claim.phone, claim.body, status_callback=status_callback)
    except TemporaryError as error:
        return Outcome(claim, "retry", error=error, maybe_sent=error.maybe_sent)
    except PermanentError as error:
        return Outcome(claim, "failed", error=error)
    except Exception as error:  # noqa: BLE001 - an unexpected error may come after the provider took the message
        logger.exception("gateway error sending delivery %s", claim.pk)
        return Outcome(claim, "retry", error=TemporaryError(str(error)[:200]), maybe_sent=True)
    return Outcome(claim, "sent", provider_id=result.provider_id)


def record(outcomes: list[Outcome], run: CampaignRun, gateway_name: str, info: SegmentInfo) -> None:
    """Write a batch of outcomes: sent rows with their Message log rows in one transaction, the rest after it."""
    now = timezone.now()
    sent = [o for o in outcomes if o.kind == "sent"]
    rest = [o for o in outcomes if o.kind != "sent"]
    if sent:
        try:
            with transaction.atomic():
                _record_sent(sent, run, gateway_name, info, now)
        except IntegrityError:
            # A provider id already recorded elsewhere (find_sent matched another run's identical text): record
            # row by row so the others are kept; the clashing one is treated as not sent.
            for outcome in sent:
                try:
                    with transaction.atomic():
                        _record_sent([outcome], run, gateway_name, info, now)
                except IntegrityError:
                    rest.append(Outcome(outcome.claim, "retry", error=TemporaryError("provider id clash")))
    refusal = next((o.error for o in rest if isinstance(o.error, AccountError)), None)
    if refusal is not None:
        holds.hold_sending(gateway_name, refusal, now)
    updates = [_unsent_update(o, now) for o in rest]
    updates = [u for u in updates if u is not None]
    if updates:
        Delivery.objects.bulk_update(
            updates,
            ["status", "next_attempt_at", "claimed_at", "attempts", "error_code", "error_message", "updated_at"],
        )


def _record_sent(sent, run, gateway_name, info, now):
    Delivery.objects.bulk_update(
        [
            Delivery(
                pk=o.claim.pk,
                status=DeliveryStatus.SENT,
                provider_id=o.provider_id,
                sent_at=now,
                next_attempt_at=None,
                error_code="",
                error_message="",
                updated_at=now,
            )
            for o in sent
        ],
        ["status", "provider_id", "sent_at", "next_attempt_at", "error_code", "error_message", "updated_at"],
    )
    Message.objects.bulk_create(
        [
            Message(
                direction=Direction.OUTBOUND,
                kind=MessageKind.CAMPAIGN,
                phone=o.claim.phone,
                cadre_id=o.claim.cadre_id,
                delivery_id=o.claim.pk,
                body=o.claim.body,
                encoding=info.encoding,
                segments=info.segments,
                gateway=gateway_name,
                provider_id=o.provider_id,
                status=DeliveryStatus.SENT,
                status_changed_at=now,
            )
            for o in sent
        ]
    )


def _unsent_update(outcome, now):
    claim, error = outcome.claim, outcome.error
    code = (error.code if error else "")[:40]
    message = str(error)[:255] if error else ""
    max_attempts = settings.SMS_MAX_ATTEMPTS
    row = Delivery(pk=claim.pk, updated_at=now, error_code=code, error_message=message, attempts=claim.attempts)
    if outcome.kind == "expired":
        return None  # left `sending` under its lease: taken over and reconciled when the lease runs out
    if isinstance(error, DeferredError | AccountError) and outcome.kind == "retry":
        # Not taken, and not the message's fault: back to the queue when the limit allows, the attempt given back.
        row.status, row.claimed_at, row.attempts = DeliveryStatus.QUEUED, None, max(claim.attempts - 1, 0)
        row.next_attempt_at = now + datetime.timedelta(seconds=float(error.retry_after or 60))
    elif outcome.kind == "failed":
        row.status, row.next_attempt_at, row.claimed_at = DeliveryStatus.FAILED, None, None
    elif outcome.kind == "unconfirmed" or (
        outcome.kind == "reconcile_error" and claim.attempts >= max_attempts * MAX_RECONCILE_ATTEMPTS_FACTOR
    ):
        row.status, row.next_attempt_at, row.claimed_at = DeliveryStatus.FAILED, None, claim.claimed_at
        row.error_message = message or _("Not sent after %(n)d attempts") % {"n": max_attempts}
    elif outcome.maybe_sent:
        # Unknown whether the provider has it: stays `sending`, keeps the earliest claim time, asked about first.
        row.status = DeliveryStatus.SENDING
        row.claimed_at = claim.claimed_at
        row.next_attempt_at = now + backoff(claim.attempts, error and error.retry_after)
    elif claim.attempts >= max_attempts:
        row.status, row.next_attempt_at, row.claimed_at = DeliveryStatus.FAILED, None, None
    else:
        row.status, row.claimed_at = DeliveryStatus.QUEUED, None
        row.next_attempt_at = now + backoff(claim.attempts, error and error.retry_after)
    return row


# --- The loop ------------------------------------------------------------------------------------------------------


@dataclass
class DispatchResult:
    state: str  # done | more (budget used up, work left) | wait (nothing due before resume_at) | paused
    sent: int = 0
    resume_at: datetime.datetime | None = None


def batch_size() -> int:
    """Rows per claim: about five seconds of sending at SMS_RATE, so a claim is sent long before half its lease
    (and at most lease x 10 rows, which a worker sends in time at 20 messages/s even when the rate is unlimited)."""
    rate = settings.SMS_RATE
    size = int(rate * 5) if rate and rate > 0 and not math.isinf(rate) else 500
    size = min(size, 500, int(settings.SMS_CLAIM_LEASE * 10))
    return max(settings.SMS_CONCURRENCY * 2, size)


def may_send(run: CampaignRun) -> bool:
    """Whether the run is dispatching and its campaign still approved as it is now (an edit or cancel stops it)."""
    run.refresh_from_db(fields=["status"])
    if run.status != CampaignRun.Status.DISPATCHING:
        return False
    campaign = Campaign.objects.get(pk=run.campaign_id)
    sendable = campaign.status in (Campaign.Status.APPROVED, Campaign.Status.SENDING) and campaign.is_approved
    return sendable and _template_usable(campaign)


def _template_usable(campaign):
    """False when the provider withdrew or un-approved the campaign's template after approval: nothing is sent."""
    if not campaign.template_id or campaign.template.usable:
        return True
    logger.warning("campaign %s not sent: its template %s is no longer usable", campaign.pk, campaign.template.code)
    return False


def dispatch_run(run_id: int, budget: float | None = None, gateway: Gateway | None = None) -> DispatchResult:
    """Send a run's due deliveries until none is due, quiet hours begin or `budget` seconds have passed.

    Safe to run twice at once and to kill at any moment (see the module docstring).
    """
    deadline = time.monotonic() + (budget if budget is not None else settings.SMS_DISPATCH_BUDGET)
    run = CampaignRun.objects.select_related("campaign").filter(pk=run_id).first()
    if run is None:  # deleted with its campaign while a task or wake-up for it was queued
        return DispatchResult("done")
    gateway = gateway or get_gateway()
    if hasattr(gateway, "prepare"):
        gateway.prepare()  # anything it needs from the database, read here: pool threads only talk to the gateway
    limiter = RateLimiter(settings.SMS_RATE, f"{gateway.name}:{getattr(settings, 'TWILIO_FROM', '')}")
    callback = status_callback_url(gateway)
    info = segment_info(delivery_body(run.body, "x" * services.SHORT_CODE_LENGTH, templating.SAMPLE_RECIPIENT))
    sent = 0
    concurrency = max(settings.SMS_CONCURRENCY, 1)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=f"sms-run-{run_id}") as pool:
        while True:
            if not may_send(run):
                return DispatchResult("done" if run.status == CampaignRun.Status.DONE else "paused", sent)
            now = timezone.now()
            resume_at = quiet_until(now)
            if resume_at:
                return DispatchResult("wait", sent, resume_at)
            if time.monotonic() > deadline:
                return DispatchResult("more", sent)
            hold = holds.active_hold(gateway.name, now)
            if hold is not None:
                return DispatchResult("wait", sent, hold.until)
            claims = claim_batch(run, batch_size(), now)
            if not claims:
                next_due = pending(run).aggregate(at=Min("next_attempt_at"))["at"]
                if next_due is None and not pending(run).exists():
                    finish_run(run)
                    return DispatchResult("done", sent)
                wait_for = (next_due - timezone.now()).total_seconds() if next_due else 0
                if wait_for > 2 or time.monotonic() + wait_for > deadline:
                    return DispatchResult("wait", sent, next_due)
                time.sleep(max(wait_for, 0.05))
                continue
            sent += _send_batch(claims, pool, concurrency, gateway, limiter, callback, run, info)


def _send_batch(claims, pool, concurrency, gateway, limiter, callback, run, info):
    in_flight, done, sent = set(), [], 0

    def collect(futures):
        nonlocal sent
        for future in futures:
            outcome = future.result()
            done.append(outcome)
            sent += outcome.kind == "sent"

    oldest = None
    for claim in claims:
        while len(in_flight) >= concurrency:
            finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            collect(finished)
        in_flight.add(pool.submit(attempt, claim, gateway, limiter, callback))
        if done and oldest is None:
            oldest = time.monotonic()
        # Recorded in batches, but promptly: a status callback for a provider id not yet recorded is dropped.
        if len(done) >= RECORD_BATCH or (done and time.monotonic() - oldest > RECORD_DELAY):
            record(done, run, gateway.name, info)
            done, oldest = [], None
    finished, _pending = wait(in_flight)
    collect(finished)
    if done:
        record(done, run, gateway.name, info)
    return sent


def pending(run: CampaignRun) -> QuerySet[Delivery]:
    """The run's deliveries not yet final."""
    return run.deliveries.filter(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING])


def finish_run(run: CampaignRun) -> None:
    """Mark a dispatched run done and, when no other run is active, move its campaign on (finished or resting)."""
    with transaction.atomic():
        finished = CampaignRun.objects.filter(pk=run.pk, status=CampaignRun.Status.DISPATCHING).update(
            status=CampaignRun.Status.DONE, finished_at=timezone.now()
        )
        if not finished:
            return
        campaign = Campaign.objects.select_for_update().get(pk=run.campaign_id)
        others = campaign.runs.filter(status__in=[CampaignRun.Status.BUILDING, CampaignRun.Status.DISPATCHING])
        if campaign.status != Campaign.Status.SENDING or others.exists():
            return
        one_off = campaign.timing in (Campaign.Timing.NOW, Campaign.Timing.AT)
        services._transition(campaign, "finish" if one_off else "rest")


def status_callback_url(gateway: Gateway) -> str | None:
    """The public URL of the delivery-status webhook, for gateways that report statuses."""
    if not getattr(gateway, "supports_status_callbacks", False):
        return None
    from sms.tracking import status_callback_url as url

    return url(gateway.name)
