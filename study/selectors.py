"""Read-only queries of the study app that the API and the site's pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from directory.models import Cadre
from study.models import PointsEntry


def cadre_of(user) -> Cadre | None:
    """The logged-in user's cadre; None for anonymous users and users who are not cadres."""
    if user is None or not user.is_authenticated:
        return None
    return Cadre.objects.filter(user=user).select_related("department").first()


def points_entries(cadre: Cadre | None) -> QuerySet[PointsEntry]:
    """The cadre's ledger, newest first (积分明细); nothing for anyone else."""
    if cadre is None:
        return PointsEntry.objects.none()
    return PointsEntry.objects.filter(cadre=cadre).order_by("-day", "-id")
