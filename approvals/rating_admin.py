"""好差评 in the admin: the ratings a department received (its queue of them, bad ones first to act on) and the
dashboard row of recent bad ratings. Who sees what follows ``approvals.permissions``: a handler or window staff
their own department's (a service centre's are its acceptance steps'), supervisors and superusers every one."""

import datetime

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import permissions
from approvals.models import Rating
from core.dashboard import WorkItem, WorkPanel

PER_PAGE = 50
RECENT_DAYS = 30


def visible_ratings(user) -> QuerySet:
    """The ratings this user may read, newest first, with what a row shows (no query per row)."""
    rows = Rating.objects.select_related("application__item", "step", "department").order_by("-created_at", "-pk")
    if permissions.sees_everything(user):
        return rows
    department = permissions.department_of(user)
    if department is None or not permissions.is_staff_user(user):
        return rows.none()
    return rows.filter(department=department)


def ratings(request):
    if not permissions.is_staff_user(request.user):
        return TemplateResponse(request, "approvals/admin/forbidden.html", status=403)
    rows = visible_ratings(request.user)
    only_bad = request.GET.get("bad") == "1"
    if only_bad:
        rows = rows.filter(is_bad=True)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "approvals/admin/ratings.html",
        {"page": page, "only_bad": only_bad, "department": permissions.department_of(request.user)},
    )


def recent_bad(user) -> list[WorkItem]:
    """The department's bad ratings of the last 30 days, newest first: one query."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    rows = visible_ratings(user).filter(is_bad=True, created_at__gte=since)[:8]
    return [
        WorkItem(
            title=f"{r.stars_text} · {r.application.tracking_number}",
            url=reverse("approvals_admin:detail", args=[r.application_id]),
            no_deadline=_("Bad rating: check and put it right."),
            card="red" if r.misconduct else "",
            note=" · ".join(filter(None, [r.step.name if r.step else _("The whole case"), *r.reason_labels()[:3]])),
        )
        for r in rows
    ]


def panels_for(user) -> list[WorkPanel]:
    if not permissions.is_staff_user(user):
        return []
    return [
        WorkPanel(
            "approvals-bad-ratings",
            _("Bad ratings in the last 30 days"),
            lambda: recent_bad(user),
            more_url=f"{reverse('approvals_admin:ratings')}?bad=1",
            order=22,
            empty=_("No bad rating."),
        )
    ]
