"""Delivery reports (SmsReport) and replies (SmsUp) of a provider that sends them in batches, as Alibaba Cloud does:
by HTTP push (a JSON array, to a URL whose path carries a secret) or, where push is not configured, by pull
(reports: QuerySendDetails; replies: the provider's MNS queue, sms.mns). Pushed and pulled items go through one
path, ``apply_items``.

Every item goes through the same code as Twilio's callbacks: ``sms.tracking.apply_status_update`` (states only move
forward, a duplicate or an older report changes nothing) and ``sms.replies.receive`` (logged once per provider id,
then the reply-handler registry: 退订/TD, quiz answers ...). A malformed item or one about an unknown message is
logged and skipped; the answer is still "received", so the provider does not retry what can never be applied.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from sms import replies
from sms.gateways import Gateway, GatewayError
from sms.models import DeliveryStatus, Message
from sms.tracking import Outcome, apply_status_update

logger = logging.getLogger(__name__)
MAX_ITEMS = 1000  # a push longer than this is cut (Aliyun sends at most a few hundred at once)
PULL_WINDOW = datetime.timedelta(days=2)  # reports older than this will not come: QuerySendDetails keeps 30 days


@dataclass
class Applied:
    counts: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, key):
        self.counts[key] += 1


def _report(item, gateway):
    update = gateway.parse_status(item)
    if update is None:
        return "malformed"
    outcome = apply_status_update(update)
    if outcome == Outcome.UNKNOWN:
        logger.info("SMS report for unknown message %s (%s)", update.provider_id, gateway.name)
    return str(outcome)


def _reply(item, gateway):
    inbound = gateway.parse_inbound(item)
    if inbound is None:
        return "malformed"
    return "received" if replies.receive(inbound, gateway) is not None else "repeated"


# What one item of each kind is parsed and applied with: a report moves a message forward, a reply is logged once
# and answered.
APPLY = {"report": _report, "reply": _reply}


def apply_items(kind: str, items: object, gateway: Gateway) -> dict:
    """Apply a batch of reports or replies, pushed or pulled (one path for both); returns counts by outcome
    (reports: updated, unchanged, unknown; replies: received, repeated; both: malformed)."""
    applied = Applied()
    if not isinstance(items, list):
        logger.info("SMS %s batch from %s is not a list; ignored", kind, gateway.name)
        applied.add("malformed")
        return dict(applied.counts)
    apply = APPLY[kind]
    for item in items[:MAX_ITEMS]:
        applied.add(apply(item, gateway))
    if applied.counts.get("malformed"):
        logger.info("SMS %s batch from %s: %s malformed items skipped", kind, gateway.name, applied.counts["malformed"])
    return dict(applied.counts)


def apply_reports(items: object, gateway: Gateway) -> dict:
    """Apply a pushed array of delivery reports; returns counts by outcome (updated, unchanged, unknown, malformed)."""
    return apply_items("report", items, gateway)


def receive_replies(items: object, gateway: Gateway) -> dict:
    """Log and answer an array of replies; a repeated one (same sequence id) is neither logged nor answered."""
    return apply_items("reply", items, gateway)


def pull_reports(gateway: Gateway, limit: int = 200, now: datetime.datetime | None = None) -> dict:
    """Ask the provider (QuerySendDetails, one request per number and day) about messages still only "sent".

    For when push is not configured; the minute schedule calls it. Each answer is applied as a pushed report
    would be, so pull and push together are still forward-only.
    """
    now = now or timezone.now()
    open_ids = (
        Message.objects.filter(
            gateway=gateway.name,
            status__in=[DeliveryStatus.SENT, DeliveryStatus.QUEUED, DeliveryStatus.SENDING],
            created_at__gte=now - PULL_WINDOW,
            provider_id__isnull=False,
        )
        .order_by("status_changed_at")
        .values_list("phone", "provider_id", "created_at")[:limit]
    )
    wanted = defaultdict(set)
    for phone, provider_id, created in open_ids:
        local_day = timezone.localtime(created).date()
        wanted[(str(phone), local_day)].add(provider_id)
    applied = Applied()
    for (phone, day), ids in wanted.items():
        try:
            details = list(gateway._details(phone, day))
        except GatewayError as error:
            logger.warning("SMS report pull for a number failed: %s", error.code)
            applied.add("failed")
            continue
        for detail in details:
            update = gateway.status_of(detail)
            if update is not None and update.provider_id in ids:
                applied.add(str(apply_status_update(update)))
    return dict(applied.counts)


def pull_replies(gateway: Gateway, limit: int = 200) -> dict:
    """Read replies from the provider's SmsUp queue (sms.mns) and apply each as a pushed one; returns counts.

    For when push is not configured; the minute schedule calls it. A message is deleted from the queue once
    applied; one that cannot be read (not JSON, not a reply) is logged, counted malformed and deleted too.
    """
    from sms import mns

    applied = Applied()
    try:
        token = mns.query_token(gateway)
        queue = mns.Queue(settings.ALIYUN_SMS_MNS_ENDPOINT, settings.ALIYUN_SMS_UP_QUEUE, token)
        for _i in range(limit):
            message = queue.receive(wait_seconds=0)
            if message is None:
                break
            for outcome, count in apply_items("reply", [message.body], gateway).items():
                applied.counts[outcome] += count
            queue.delete(message.receipt_handle)
    except GatewayError as error:
        logger.warning("SMS reply pull failed: %s", error.code)
        applied.add("failed")
    return dict(applied.counts)


def pull_replies_configured() -> bool:
    return bool(getattr(settings, "ALIYUN_SMS_UP_QUEUE", "")) and not push_configured()


def push_configured() -> bool:
    return bool(getattr(settings, "ALIYUN_SMS_CALLBACK_SECRET", ""))
