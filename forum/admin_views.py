"""The moderators' queue in the Wagtail admin (论坛审核): pending posts, reported posts, topics, recent actions.

Every action is a POST that calls one service; a user without ``forum.moderate_forum`` gets 403.
"""

from functools import wraps

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from forum import services
from forum.forms import RejectForm
from forum.models import ForumBoardPage, ModerationAction, Post, PostReport, PostStatus, Topic

LIST_LIMIT = 100
RECENT_ACTIONS = 20

TABS = {
    "pending": gettext_lazy("Awaiting review"),
    "reported": gettext_lazy("Reported"),
    "topics": gettext_lazy("Topics"),
    "history": pgettext_lazy("moderation", "Recent actions"),
}


def moderator_required(view):
    """403 for anyone without the moderation permission (Wagtail would turn PermissionDenied into a redirect)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not services.can_moderate(request.user):
            return TemplateResponse(request, "forum/admin/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _posts():
    open_reports = PostReport.objects.filter(resolved=False).select_related("reporter")
    return (
        Post.objects.select_related("author", "topic", "topic__board")
        .annotate(open_report_count=Count("reports", filter=Q(reports__resolved=False)))
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
    )


@moderator_required
def queue(request):
    tab = request.GET.get("show", "pending")
    if tab not in TABS:
        tab = "pending"
    boards = ForumBoardPage.objects.order_by("title")
    board_id = request.GET.get("board", "")
    context = {
        "tab": tab,
        "tabs": TABS.items(),
        "boards": boards,
        "board_id": board_id,
        "reject_form": RejectForm(),
        "counts": {
            "pending": Post.objects.filter(status=PostStatus.PENDING).count(),
            "reported": Post.objects.filter(reports__resolved=False).distinct().count(),
        },
    }
    board_filter = {"topic__board_id": board_id} if board_id.isdigit() else {}
    if tab == "pending":
        context["posts"] = (
            _posts().filter(status=PostStatus.PENDING, **board_filter).order_by("created_at")[:LIST_LIMIT]
        )
    elif tab == "reported":
        context["posts"] = (
            _posts()
            .filter(pk__in=PostReport.objects.filter(resolved=False).values("post_id"), **board_filter)
            .order_by("-open_report_count", "created_at")[:LIST_LIMIT]
        )
    elif tab == "topics":
        topics = Topic.objects.select_related("author", "board").order_by("-pinned", "-last_activity_at")
        if board_id.isdigit():
            topics = topics.filter(board_id=board_id)
        context["topics"] = topics[:LIST_LIMIT]
    else:
        context["actions"] = ModerationAction.objects.select_related("moderator", "post", "topic")[:RECENT_ACTIONS]
    return TemplateResponse(request, "forum/admin/queue.html", context)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("forum_moderation:queue")


POST_ACTIONS = {
    "approve": (services.approve_post, gettext_lazy("Post approved.")),
    "reject": (services.reject_post, gettext_lazy("Post rejected; the author sees the reason.")),
    "hide": (services.hide_post, gettext_lazy("Post hidden.")),
    "dismiss": (services.dismiss_reports, gettext_lazy("Reports dismissed; the post stays as it was.")),
}


@require_POST
@moderator_required
def post_action(request, pk, action):
    if action not in POST_ACTIONS:
        raise Http404
    post = get_object_or_404(Post, pk=pk)
    service, done = POST_ACTIONS[action]
    kwargs = {"reason": request.POST.get("reason", "")} if action == "reject" else {}
    try:
        service(post, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    return _back(request)


TOPIC_ACTIONS = {
    "pin": (services.set_pinned, True, gettext_lazy("Topic pinned.")),
    "unpin": (services.set_pinned, False, gettext_lazy("Topic unpinned.")),
    "lock": (services.set_locked, True, gettext_lazy("Topic locked.")),
    "unlock": (services.set_locked, False, gettext_lazy("Topic unlocked.")),
}


@require_POST
@moderator_required
def topic_action(request, pk, action):
    if action not in TOPIC_ACTIONS:
        raise Http404
    topic = get_object_or_404(Topic, pk=pk)
    service, value, done = TOPIC_ACTIONS[action]
    service(topic, value, by=request.user)
    messages.success(request, str(done))
    return _back(request)
