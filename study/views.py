"""The website's study pages for logged-in cadres: the points detail (积分明细), their study tasks and the rankings."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone

from study import assignments, ledger, rankings, selectors


def _cadre(request):
    cadre = selectors.cadre_of(request.user)
    if cadre is None:
        raise Http404
    return cadre


@login_required
def my_points(request):
    cadre = _cadre(request)
    page = Paginator(selectors.points_entries(cadre), 20).get_page(request.GET.get("page"))
    today = ledger.source_totals(cadre)
    sources = [(rule, today.get(rule.source, 0)) for rule in ledger.rules() if rule.is_active]
    return TemplateResponse(
        request,
        "study/my_points.html",
        {
            "cadre": cadre,
            "totals": ledger.totals(cadre, today_points=sum(today.values())),
            "sources": sources,
            "page_obj": page,
            "tasks": assignments.my_tasks(cadre),
            "now": timezone.now(),
            "tab": "points",
        },
    )


@login_required
def my_tasks(request):
    """学习任务: each task with its pages (a video page marked, counted by watch time), its quiz and the progress."""
    cadre = _cadre(request)
    members = assignments.my_tasks(cadre)
    videos = assignments.page_videos({page.pk for m in members for page in m.task.pages.all()})
    tasks = [
        (m, [(page, page.pk in videos) for page in m.task.pages.all()]) for m in members
    ]  # the pages were prefetched by my_tasks
    return TemplateResponse(
        request,
        "study/my_tasks.html",
        {"cadre": cadre, "tasks": tasks, "now": timezone.now(), "tab": "tasks"},
    )


@login_required
def ranking(request):
    """积分排行: people or departments, this week, month or year (the same as the app's)."""
    cadre = _cadre(request)
    period = request.GET.get("period") if request.GET.get("period") in rankings.KINDS else "week"
    who = "units" if request.GET.get("who") == "units" else "people"
    key = rankings.period_of(period)
    rows = rankings.departments(key, limit=50, me=cadre) if who == "units" else rankings.people(key, limit=50, me=cadre)
    return TemplateResponse(
        request,
        "study/ranking.html",
        {
            "cadre": cadre,
            "period": period,
            "who": who,
            "rows": rows,
            "me": rankings.my_rank(key, cadre),
            "min_participants": rankings.MIN_PARTICIPANTS,
            "tab": "ranking",
        },
    )
