"""Demo forum: 廉政论坛 (post-moderated) and 意见建议 (pre-moderated) with topics written by demo cadres.

The authors are ordinary site users (no admin access) linked to demo cadres; they have no usable password, since
cadres will log in by phone code in a later issue. To post in the demo, log in with any demo login (e.g. moderator).
Idempotent: boards are matched by slug, users by username, topics by title; nothing existing is changed.
The boards, authors, topics and replies live in demo_data.toml.
"""

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from core.demo_data import load_toml
from directory.demo import demo_step
from directory.models import Cadre
from forum.models import (
    ForumBoardPage,
    HoldReason,
    ModerationAction,
    Post,
    PostReport,
    PostStatus,
    Topic,
)

DATA_FILE = Path(__file__).with_name("demo_data.toml")


@demo_step
def load_forum(run):
    """Two boards under the home page, demo authors, topics with replies, one pending and one reported post."""
    data = load_toml(DATA_FILE)
    home = Site.objects.get(is_default_site=True).root_page
    boards = {}
    created_boards = 0
    for row in data["board"]:
        slug = row["slug"]
        board = ForumBoardPage.objects.child_of(home).filter(slug=slug).first()
        if board is None:
            board = ForumBoardPage(title=row["title"], slug=slug, moderation=row["moderation"], intro=row["intro"])
            home.add_child(instance=board)
            board.save_revision().publish()
            created_boards += 1
        boards[slug] = board
    run.count(_("forum boards"), created_boards, ForumBoardPage.objects.count())

    users = _authors(data["author"])
    moderator = get_user_model().objects.filter(username="moderator").first()
    if moderator is not None:
        users["moderator"] = moderator

    now = timezone.now()
    created_topics = 0
    pending, reported_text = data["pending_reply"], data["reported_text"]
    for row in data["topic"]:
        board, title, author, replies = boards[row["board"]], row["title"], row["author"], row.get("reply", [])
        if author not in users or Topic.objects.filter(board=board, title=title).exists():
            continue
        started = now - timedelta(days=row["days_ago"], hours=3)
        topic = Topic.objects.create(
            board=board, title=title, author=users[author], status=PostStatus.PUBLISHED, last_activity_at=started
        )
        _post(topic, users[author], row["text"], started, is_opening=True)
        for number, reply in enumerate(replies, start=1):
            _post(topic, users[reply["author"]], reply["text"], started + timedelta(hours=2 * number))
        last = topic.posts.order_by("-created_at").values_list("created_at", flat=True).first()
        Topic.objects.filter(pk=topic.pk).update(reply_count=len(replies), last_activity_at=last)
        created_topics += 1
        flags = (
            (row.get("pinned", False), ModerationAction.Action.PIN),
            (row.get("locked", False), ModerationAction.Action.LOCK),
        )
        for flag, action in flags:
            if flag:
                setattr(topic, "pinned" if action == ModerationAction.Action.PIN else "locked", True)
                ModerationAction.objects.create(moderator=moderator, action=action, topic=topic)
        topic.save(update_fields=["pinned", "locked"])
        if (row["board"], title) == (pending["board"], pending["topic"]):
            _post(
                topic,
                users[pending["author"]],
                pending["text"],
                now - timedelta(hours=5),
                status=PostStatus.PENDING,
                held_for=HoldReason.BOARD,
            )
        reported = topic.posts.filter(body=reported_text).first()
        if reported is not None:
            for report in data["reporter"]:
                PostReport.objects.get_or_create(
                    post=reported,
                    reporter=users[report["username"]],
                    defaults={"reason": report["reason"], "note": report["note"]},
                )
    run.count(_("forum topics"), created_topics, Topic.objects.count())


def _post(topic, author, body, created_at, is_opening=False, status=PostStatus.PUBLISHED, held_for=""):
    post = Post.objects.create(
        topic=topic, author=author, body=body, is_opening=is_opening, status=status, held_for=held_for
    )
    Post.objects.filter(pk=post.pk).update(created_at=created_at)  # auto_now_add ignores a given value
    return post


def _authors(authors):
    """The demo forum authors, created once, each linked to a demo cadre who has no login yet."""
    User = get_user_model()
    users = {}
    for row in authors:
        username = row["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            cadre = (
                Cadre.objects.filter(department__code=row["department"], post=row["post"], user__isnull=True)
                .order_by("phone")
                .first()
            )
            if cadre is None:
                continue
            user = User(username=username, first_name=cadre.name)
            user.set_unusable_password()
            user.save()
            cadre.user = user
            cadre.save(update_fields=["user"])
        users[username] = user
    return users
