"""The moderator's work dashboard (core.dashboard): posts waiting for moderation, oldest first."""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.dashboard import LIMIT, Summary, WorkItem, WorkPanel
from forum.models import Post, PostReport, PostStatus
from forum.services import can_moderate


def waiting_posts() -> tuple[list[WorkItem], list[Summary]]:
    """The oldest pending posts, with the counts of pending and reported posts: three queries."""
    queue = reverse("forum_moderation:queue")
    rows = (
        Post.objects.filter(status=PostStatus.PENDING)
        .select_related("topic", "author")
        .order_by("created_at", "pk")[:LIMIT]
    )
    items = [
        WorkItem(
            title=f"{post.topic.title} · {Truncator(post.body).chars(30)}",
            url=f"{queue}?show=pending#post-{post.pk}",
            no_deadline=_("Waiting since %(time)s; posts are moderated in the order they arrive.")
            % {"time": timezone.localtime(post.created_at).strftime("%Y-%m-%d %H:%M")},
            note=post.get_held_for_display() if post.held_for else "",
        )
        for post in rows
    ]
    summaries = [
        Summary(_("Awaiting review"), Post.objects.filter(status=PostStatus.PENDING).count(), f"{queue}?show=pending"),
        Summary(
            _("Reported"),
            PostReport.objects.filter(resolved=False).values("post_id").distinct().count(),
            f"{queue}?show=reported",
        ),
    ]
    return items, summaries


def panels_for(user) -> list[WorkPanel]:
    if not can_moderate(user):
        return []
    return [
        WorkPanel(
            "forum-waiting",
            _("Posts waiting for moderation"),
            waiting_posts,
            more_url=reverse("forum_moderation:queue") + "?show=pending",
            order=20,
        )
    ]
