"""The words of 好差评 (the national government-service rating system): five levels and the reasons offered with them.

A rating of 3 stars or more picks among the good reasons, 1 or 2 stars (差评) among the bad ones and must give one.
The bad reasons marked as misconduct (索要财物, 吃拿卡要 ...) are what electronic supervision pursues: the event of
such a rating carries them as ``misconduct`` (core/events.py), and supervision's rule R10 raises a finding.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LEVELS = {
    5: pgettext_lazy("rating", "Very satisfied"),
    4: pgettext_lazy("rating", "Satisfied"),
    3: pgettext_lazy("rating", "Fairly satisfied"),
    2: pgettext_lazy("rating", "Dissatisfied"),
    1: pgettext_lazy("rating", "Very dissatisfied"),
}
BAD_AT_MOST = 2  # 1 and 2 stars are a bad rating (差评)

GOOD = {
    "fast": _("Handled quickly"),
    "courteous": _("Courteous, helpful staff"),
    "one_trip": _("Done in one trip"),
    "simple": _("Few materials, simple procedure"),
    "clear": _("Clear guidance"),
    "online": _("Convenient online"),
}
BAD = {
    "slow": _("Slow handling"),
    "attitude": _("Poor attitude"),
    "many_trips": _("Had to come back several times"),
    "complex": _("Too many materials, complicated procedure"),
    "unclear": _("Unclear or piecemeal instructions"),
    "passing_buck": _("Passed from desk to desk"),
    "abusive": _("Rude or deliberately obstructive"),
    "improper_fee": _("Charged a fee not published"),
    "bribe": _("Asked for money, gifts or favours"),
}
# Reasons that allege misconduct by an official: supervision follows them up.
MISCONDUCT = ("passing_buck", "abusive", "improper_fee", "bribe")
ALL = {**GOOD, **BAD}


def is_bad(stars: int) -> bool:
    return stars <= BAD_AT_MOST


def allowed_for(stars: int) -> dict:
    return BAD if is_bad(stars) else GOOD


def labels(codes) -> list[str]:
    return [str(ALL[c]) for c in codes if c in ALL]


def stars_text(stars: int | None) -> str:
    """★★★☆☆ 基本满意: what a page shows of a rating ("" for none)."""
    if not stars:
        return ""
    return f"{'★' * stars}{'☆' * (5 - stars)} {LEVELS.get(stars, '')}"


class RatingVerdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PARTLY = "partly", _("Partly confirmed")
    UNFOUNDED = "unfounded", _("Not confirmed")


class RatingRevisit(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Still dissatisfied")
    UNREACHABLE = "unreachable", _("Could not be reached")
