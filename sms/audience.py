"""Who a campaign reaches: one queryset, built in the database, never a list in memory."""

from functools import reduce
from operator import or_

from django.db.models import Q

from directory.models import Cadre, Department


def _subtrees(departments):
    """Cadres of these departments and of every unit below them (one prefix match per chosen department)."""
    paths = list(departments.values_list("path", flat=True))
    if not paths:
        return None
    return Q(department__in=Department.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths))))


def audience(campaign, include_opted_out=False):
    """The cadres a campaign sends to, ordered by pk: every cadre, or the union of its departments (with their
    subunits), groups, posts and ranks; minus its exclusions; never a cadre who opted out of SMS.

    `include_opted_out` is for counting them in a preview, never for sending.
    Callers stream it (`.iterator(chunk_size=...)` or by pk ranges) so that memory stays flat at any size.
    """
    cadres = Cadre.objects.all() if include_opted_out else Cadre.objects.filter(sms_opt_in=True)
    if not campaign.all_cadres:
        include = [
            _subtrees(campaign.departments.all()),
            Q(pk__in=_members(campaign.groups.all())) if campaign.groups.exists() else None,
            Q(post__in=campaign.posts) if campaign.posts else None,
            Q(rank__in=campaign.ranks) if campaign.ranks else None,
        ]
        include = [q for q in include if q is not None]
        if not include:
            return Cadre.objects.none()
        cadres = cadres.filter(reduce(or_, include))
    exclude = _subtrees(campaign.exclude_departments.all())
    if exclude is not None:
        cadres = cadres.exclude(exclude)
    if campaign.exclude_groups.exists():
        cadres = cadres.exclude(pk__in=_members(campaign.exclude_groups.all()))
    cadres = cadres.exclude(pk__in=campaign.exclude_cadres.values("pk"))
    # Subqueries instead of joins keep each cadre once without a DISTINCT over the whole row.
    return cadres.order_by("pk")


def _members(groups):
    from directory.models import CadreGroupMembership

    return CadreGroupMembership.objects.filter(group__in=groups).values("cadre_id")
