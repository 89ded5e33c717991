"""Demo SMS campaigns: one per timing, in every state an operator meets, sent through the console gateway."""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from cms.models import WarningCasePage, WarningPhrase
from directory.demo import demo_step
from directory.models import CadreGroup
from sms import dispatch, services
from sms.gateways import StatusUpdate, get_gateway
from sms.models import Campaign, Delivery, DeliveryStatus
from sms.tracking import apply_status_update, record_click

# (title, timing, audience group, warning phrase or free text, linked case title, state, extra fields)
CAMPAIGNS = [
    (
        "乡镇纪委书记廉洁提醒",
        Campaign.Timing.NOW,
        "乡镇纪委书记",
        "打铁必须自身硬，监督者更要带头守纪律、讲规矩。",
        "白石镇便民服务中心工作人员何某索要“辛苦费”问题",
        "sent",
        {},
    ),
    (
        "节前廉洁提醒",
        Campaign.Timing.HOLIDAY,
        "全市科级以上干部",
        "节日将至，请严守中央八项规定精神，不收受礼品礼金，不违规吃喝，过一个廉洁节日。",
        "沙湾镇党委原副书记张某春节期间收受购物卡问题",
        "approved",
        {"holiday_days_before": 1, "holiday_send_time": datetime.time(9, 0)},
    ),
    (
        "每周一廉政提醒",
        Campaign.Timing.RECURRING,
        "新任职干部",
        None,  # the first warning phrase of the demo library
        None,
        "approved",
        {"cron": "30 8 * * 1"},
    ),
    (
        "窗口服务作风提醒",
        Campaign.Timing.NOW,
        "窗口工作人员",
        "办事群众的每一次等待都是考题：不推诿、不刁难、不吃拿卡要。",
        "市政务服务中心窗口工作人员赵某吃拿卡要问题",
        "pending",
        {},
    ),
]


@demo_step
def load_sms(run):
    users = get_user_model().objects.in_bulk(["sms", "reviewer"], field_name="username")
    operator, reviewer = users.get("sms"), users.get("reviewer")
    created = 0
    for title, timing, group_name, text, case_title, state, extra in CAMPAIGNS:
        if Campaign.objects.filter(title=title).exists():
            continue
        phrase = None if text else WarningPhrase.objects.order_by("pk").first()
        campaign = Campaign.objects.create(
            title=title,
            timing=timing,
            text=text or "",
            phrase=phrase,
            link_page=WarningCasePage.objects.filter(title=case_title).first() if case_title else None,
            created_by=operator,
            **extra,
        )
        campaign.groups.set(CadreGroup.objects.filter(name=group_name))
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
