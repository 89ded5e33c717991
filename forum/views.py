"""Public forum pages, routed by ForumBoardPage through forum/board_urls.py: the board, a topic, reporting a post.

Thin: the forms check what the user typed, the services in forum/services.py decide and write.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from core import idempotency
from forum import services
from forum.forms import ReplyForm, ReportForm, TopicForm
from forum.models import HoldReason, Post, PostStatus, Topic
from forum.selectors import TOPICS_PER_PAGE

POSTS_PER_PAGE = 20


def _page_of(request, items, per_page):
    paginator = Paginator(items, per_page)
    number = request.GET.get("page")
    if number == "last":
        number = paginator.num_pages
    return paginator.get_page(number)


def _tell_author(request, outcome):
    if outcome.is_published:
        messages.success(request, _("Your post is published."))
    elif outcome.held_for == HoldReason.SENSITIVE:
        messages.warning(
            request,
            _(
                "Your post contains words that a moderator must check first. It will appear once approved; "
                "until then only you can see it."
            ),
        )
    else:
        messages.info(
            request,
            _("Thank you. Posts on this board appear after a moderator's review; until then only you can see it."),
        )


def board(request, page):
    form = TopicForm()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form = TopicForm(request.POST)
        if form.is_valid():
            try:
                outcome = services.create_topic(
                    page, request.user, **form.cleaned_data, idempotency_key=idempotency.key_from(request)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _tell_author(request, outcome)
                return redirect(page.url + page.reverse_subpage("topic", kwargs={"pk": outcome.topic.pk}))
    topics = (
        Topic.objects.filter(board=page, status=PostStatus.PUBLISHED)
        .select_related("author")
        .order_by("-pinned", "-last_activity_at", "-pk")
    )
    return page.render(
        request,
        context_overrides={"topics": _page_of(request, topics, TOPICS_PER_PAGE), "form": form},
    )


def _visible_posts(topic, user):
    """Published posts; their own posts in any state for the author (to see what waits or was rejected, and why)."""
    condition = Q(status=PostStatus.PUBLISHED)
    if user.is_authenticated:
        condition |= Q(author=user)
    return topic.posts.filter(condition).select_related("author").order_by("created_at", "pk")


def _get_topic(page, pk, user):
    topic = get_object_or_404(Topic.objects.select_related("author"), pk=pk, board=page)
    if not topic.is_visible and not (user.is_authenticated and topic.author_id == user.pk):
        if not services.can_moderate(user):
            raise Http404
    return topic


def topic(request, page, pk):
    topic = _get_topic(page, pk, request.user)
    form = ReplyForm()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                outcome = services.reply(
                    topic, request.user, form.cleaned_data["body"], idempotency_key=idempotency.key_from(request)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _tell_author(request, outcome)
                url = page.url + page.reverse_subpage("topic", kwargs={"pk": topic.pk})
                return redirect(f"{url}?page=last#post-{outcome.post.pk}")
    return page.render(
        request,
        template="forum/topic.html",
        context_overrides={
            "topic": topic,
            "posts": _page_of(request, _visible_posts(topic, request.user), POSTS_PER_PAGE),
            "form": form,
            "can_reply": topic.is_visible and not topic.locked,
        },
    )


def report(request, page, pk):
    post = get_object_or_404(
        Post.objects.select_related("topic", "author"), pk=pk, topic__board=page, status=PostStatus.PUBLISHED
    )
    if not post.topic.is_visible:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    topic_url = page.url + page.reverse_subpage("topic", kwargs={"pk": post.topic_id})
    form = ReportForm()
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            _report, created = services.report_post(post, request.user, **form.cleaned_data)
            if created:
                messages.success(request, _("Thank you for your report. A moderator will look at this post."))
            else:
                messages.info(request, _("You have already reported this post."))
            return redirect(topic_url)
    return page.render(
        request,
        template="forum/report.html",
        context_overrides={"post": post, "form": form, "topic_url": topic_url},
    )
