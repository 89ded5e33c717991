"""Demo SMS campaigns: one per timing, in every state an operator meets, sent through the console gateway.

The campaigns live in demo_data.toml.
"""

import logging
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from cms.models import WarningCasePage, WarningPhrase
from core.demo_data import load_toml
from directory.demo import demo_step
from directory.models import CadreGroup
from sms import dispatch, services
from sms.gateways import StatusUpdate, get_gateway
from sms.models import Campaign, Delivery, DeliveryStatus
from sms.tracking import apply_status_update, record_click

DATA_FILE = Path(__file__).with_name("demo_data.toml")


@demo_step
def load_sms(run):
    users = get_user_model().objects.in_bulk(["sms", "reviewer"], field_name="username")
    operator, reviewer = users.get("sms"), users.get("reviewer")
    created = 0
    for row in load_toml(DATA_FILE)["campaign"]:
        title, text, case_title, state = row["title"], row.get("text"), row.get("case"), row["state"]
        if Campaign.objects.filter(title=title).exists():
            continue
        phrase = None if text else WarningPhrase.objects.order_by("pk").first()
        campaign = Campaign.objects.create(
            title=title,
            timing=Campaign.Timing(row["timing"]),
            text=text or "",
            phrase=phrase,
            link_page=WarningCasePage.objects.filter(title=case_title).first() if case_title else None,
            created_by=operator,
            **row.get("fields", {}),
        )
        campaign.groups.set(CadreGroup.objects.filter(name=row["group"]))
        services.submit_campaign(campaign, operator)
        if state in ("approved", "sent"):
            services.approve_campaign(campaign, reviewer)
        if state == "sent":
            _send_now(campaign)
        created += 1
    run.count(_("SMS campaigns"), created, Campaign.objects.count())


def _send_now(campaign):
    """Send through the console gateway now, then play the receipts and clicks a carrier and readers would give."""
    console_log = logging.getLogger("sms.gateways.console")
    level = console_log.level
    console_log.setLevel(logging.WARNING)  # one line per message would bury load_demo's summary
    try:
        run = dispatch.start_run(campaign, "once")
        dispatch.dispatch_run(run.pk, budget=30, gateway=get_gateway("console"))
    finally:
        console_log.setLevel(level)
    sent = Delivery.objects.filter(run=run, status=DeliveryStatus.SENT).order_by("pk")
    for position, delivery in enumerate(sent):
        # Simulated receipts: most arrive, a switched-off phone does not; a third of the readers open the link.
        status = DeliveryStatus.UNDELIVERED if position % 15 == 7 else DeliveryStatus.DELIVERED
        apply_status_update(StatusUpdate(delivery.provider_id, status))
        if position % 3 == 0 and delivery.short_code:
            record_click(delivery.short_code)
