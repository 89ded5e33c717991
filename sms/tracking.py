"""Delivery tracking: the provider's status reports (webhooks) applied to our Message and Delivery rows."""

import logging
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from sms.models import FINAL_STATUSES, STATUS_RANK, CampaignRun, Delivery, DeliveryStatus, Message

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # a duplicate, or a report older than what we know (callbacks arrive out of order)
    UNKNOWN = "unknown"  # no message with that provider id


def status_callback_url(gateway_name):
    """The absolute URL the provider reports delivery statuses to (BASE_URL must be reachable from the provider)."""
    path = reverse("sms:webhook_status", args=[gateway_name])
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


# Statuses that mean the carrier took the message (a "failed" one never left the provider).
LEFT_THE_PROVIDER = {DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED}


def _moves_forward(current, new):
    # Forward-only by rank: "sent" after "delivered" is a late callback, not news; equal rank is a duplicate.
    return current not in FINAL_STATUSES and STATUS_RANK.get(new, -1) > STATUS_RANK.get(current, -1)


def apply_status_update(update) -> Outcome:
    """Record a provider's status report (a gateways.StatusUpdate) on the message and delivery with its id.

    Status callbacks can come late, twice or out of order: a row only ever moves forward (STATUS_RANK), so a
    delivered message never goes back to "sent" and a repeated callback changes nothing.
    """
    if update.status not in STATUS_RANK or not update.provider_id:
        return Outcome.UNKNOWN
    now = timezone.now()
    found = updated = False
    with transaction.atomic():
        # Always Message before Delivery, so that two callbacks for one sid cannot deadlock.
        for message in Message.objects.select_for_update().filter(provider_id=update.provider_id):
            found = True
            if _moves_forward(message.status, update.status):
                message.status = update.status
                message.status_changed_at = now
                message.error_code = update.error_code or message.error_code
                message.save(update_fields=["status", "status_changed_at", "error_code"])
                updated = True
        for delivery in Delivery.objects.select_for_update().filter(provider_id=update.provider_id):
            found = True
            if _moves_forward(delivery.status, update.status):
                delivery.status = update.status
                delivery.error_code = update.error_code or delivery.error_code
                fields = ["status", "error_code", "updated_at"]
                if update.status == DeliveryStatus.DELIVERED:
                    delivery.delivered_at = now
                    fields.append("delivered_at")
                if delivery.sent_at is None and update.status in LEFT_THE_PROVIDER:
                    delivery.sent_at = now
                    fields.append("sent_at")
                delivery.save(update_fields=fields)
                updated = True
    if not found:
        return Outcome.UNKNOWN
    return Outcome.UPDATED if updated else Outcome.UNCHANGED


def record_click(code):
    """Count a click on a campaign short link; returns the id of its campaign run, or None for an unknown code.

    One statement, the only query of a click: an atomic UPDATE, so concurrent clicks each count and
    first_clicked_at is set once (exact under a burst, tests/sms/test_short_link_burst.py). Nothing about the
    reader is kept. Raw SQL for RETURNING (PostgreSQL, SQLite >= 3.35), which Django's update() lacks.
    """
    table = connection.ops.quote_name(Delivery._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET clicks = clicks + 1, first_clicked_at = COALESCE(first_clicked_at, %s)"  # noqa: S608
            " WHERE short_code = %s RETURNING run_id",
            [now, code],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def link_target(run_id, request):
    """Where a campaign's short links lead (its page, or None), cached per run until the site next changes."""
    key = f"sms:link-target:{run_id}:{request.get_host()}"
    found = cache.get_many([pagecache.GENERATION_KEY, key])
    version = found.get(pagecache.GENERATION_KEY) or pagecache.current_generation()
    if key in found and found[key][0] == version:
        return found[key][1]
    run = CampaignRun.objects.select_related("campaign__link_page").filter(pk=run_id).first()
    page = run.campaign.link_page if run is not None else None
    url = page.specific_deferred.get_url(request) if page is not None and page.live else None
    cache.set(key, (version, url), timeout=3600)
    return url
