"""Sending holds: when the provider refuses the whole account (balance exhausted), campaigns wait and operators hear.

A hold is per gateway and lasts HOLD_PROBE seconds at a time: when it runs out, the next claim is a probe; a new
refusal extends the hold (no attempt of any delivery is used) and an account back in order simply sends. The SMS
operators (users who may change campaigns) get one e-mail per hold, and the admin's SMS pages show it.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sms.gateways import AccountError
from sms.models import SendingHold

logger = logging.getLogger("sms.alerts")
HOLD_PROBE = 600  # seconds


def active_hold(gateway_name: str, now: datetime.datetime | None = None) -> SendingHold | None:
    """The hold in force for this gateway now, if any."""
    return SendingHold.objects.filter(gateway=gateway_name, until__gt=now or timezone.now()).first()


def hold_sending(gateway_name: str, error: AccountError, now: datetime.datetime | None = None) -> SendingHold:
    """Record the provider's refusal of the account: extend the current hold, or open one and alert the operators."""
    now = now or timezone.now()
    until = now + datetime.timedelta(seconds=max(float(error.retry_after or 0), HOLD_PROBE))
    with transaction.atomic():
        # A hold that ended within the last probe period is the same outage seen again: no second alert.
        recent = (
            SendingHold.objects.select_for_update()
            .filter(gateway=gateway_name, until__gt=now - datetime.timedelta(seconds=HOLD_PROBE))
            .first()
        )
        if recent is not None:
            SendingHold.objects.filter(pk=recent.pk).update(until=until, hits=F("hits") + 1)
            recent.refresh_from_db()
            return recent
        hold = SendingHold.objects.create(
            gateway=gateway_name, code=error.code[:40], reason=str(error)[:200], until=until
        )
        transaction.on_commit(lambda: alert_operators(hold))
    return hold


def operators():
    User = get_user_model()
    may_change = Q(groups__permissions__codename="change_campaign", groups__permissions__content_type__app_label="sms")
    return User.objects.filter(Q(is_superuser=True) | may_change, is_active=True).exclude(email="").distinct()


def alert_operators(hold: SendingHold) -> int:
    """Tell the SMS operators that sending stopped and why; returns how many were written to."""
    logger.error("SMS sending held on %s: %s (%s)", hold.gateway, hold.code, hold.reason)
    emails = sorted({user.email for user in operators()})
    if not emails:
        return 0
    subject = _("SMS sending has stopped: the provider refused the account")
    body = _(
        "The SMS provider refused to send any message (%(reason)s). Campaigns wait and no attempt is used; "
        "they resume by themselves once the account is in order (for example, after topping up the balance)."
    ) % {"reason": hold.reason}
    send_mail(subject, body, None, emails, fail_silently=True)
    return len(emails)
