"""The website's study page for logged-in cadres: the points detail (积分明细) and their study tasks."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone

from study import assignments, ledger, selectors


@login_required
def my_points(request):
    cadre = selectors.cadre_of(request.user)
    if cadre is None:
        raise Http404
    page = Paginator(selectors.points_entries(cadre), 20).get_page(request.GET.get("page"))
    today = ledger.source_totals(cadre)
    sources = [(rule, today.get(rule.source, 0)) for rule in ledger.rules() if rule.is_active]
    return TemplateResponse(
        request,
        "study/my_points.html",
        {
            "cadre": cadre,
            "totals": ledger.totals(cadre),
            "sources": sources,
            "page_obj": page,
            "tasks": assignments.my_tasks(cadre),
            "now": timezone.now(),
        },
    )
