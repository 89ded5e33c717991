"""One-line summaries of a campaign for the admin: when it is sent, to whom, how far its latest run has got.

Shared by the campaign list (viewsets.py) and the review page (admin_views.py).
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from sms.models import Campaign

AUDIENCE_NAMES_SHOWN = 3


def timing_summary(campaign: Campaign) -> str:
    Timing = Campaign.Timing
    if campaign.timing == Timing.AT and campaign.send_at:
        return gettext("At %(when)s") % {"when": date_format(timezone.localtime(campaign.send_at), "Y-m-d H:i")}
    if campaign.timing == Timing.RECURRING:
        return gettext("Recurring: %(cron)s") % {"cron": campaign.cron}
    if campaign.timing == Timing.HOLIDAY:
        return gettext("%(days)d working days before each holiday, %(time)s") % {
            "days": campaign.holiday_days_before,
            "time": campaign.holiday_send_time.strftime("%H:%M") if campaign.holiday_send_time else "",
        }
    return campaign.get_timing_display()


def _names(items):
    names = [str(item) for item in items]
    shown = "、".join(names[:AUDIENCE_NAMES_SHOWN])
    return shown + ("…" if len(names) > AUDIENCE_NAMES_SHOWN else "")


def audience_summary(campaign: Campaign) -> str:
    """One line: who is chosen, then who is left out. Reads prefetched many-to-many fields."""
    from directory.models import Rank

    parts = []
    if campaign.all_cadres:
        parts.append(gettext("All cadres"))
    if departments := list(campaign.departments.all()):
        parts.append(gettext("Departments: %(names)s") % {"names": _names(departments)})
    if groups := list(campaign.groups.all()):
        parts.append(gettext("Groups: %(names)s") % {"names": _names(groups)})
    if campaign.posts:
        parts.append(gettext("Posts: %(names)s") % {"names": _names(campaign.posts)})
    if campaign.ranks:
        labels = dict(Rank.choices)
        parts.append(gettext("Ranks: %(names)s") % {"names": _names(labels.get(r, r) for r in campaign.ranks)})
    excluded = sum(
        len(getattr(campaign, name).all()) for name in ("exclude_departments", "exclude_groups", "exclude_cadres")
    )
    if excluded:
        parts.append(gettext("%(n)d exclusions") % {"n": excluded})
    return "；".join(parts) or "—"


def progress_summary(campaign: Campaign) -> str:
    total = campaign.latest_total or 0
    if not total:
        return "—"
    done = total - (campaign.latest_pending or 0)
    return f"{done}/{total}（{round(100 * done / total)}%）"
