"""Every forum operation that changes state: posting, reporting and moderating.

Views and admin views call these and hold no logic of their own. Each write runs in one transaction, and every
moderation decision writes a ModerationAction in that same transaction. Errors a user can fix are raised as
``ValidationError`` keyed by form field (``NON_FIELD_ERRORS`` for the whole form): a view adds them to its form.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import idempotency
from core.ratelimit import increment, window_bucket
from forum.error_codes import ForumErrorCode
from forum.models import (
    POST_TRANSITIONS,
    HoldReason,
    ModerationAction,
    Post,
    PostReport,
    PostStatus,
    Topic,
)
from forum.sensitive import find_sensitive_words

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from forum.models import ForumBoardPage

    User = AbstractBaseUser | AnonymousUser

MODERATE_PERMISSION = "forum.moderate_forum"
DAY = 24 * 60 * 60
MINUTE = 60


class TransitionNotAllowed(ValidationError):
    pass


def _error(field_name, message, code):
    """A ValidationError for one form field (``NON_FIELD_ERRORS`` for the whole form) that keeps its code."""
    return ValidationError({field_name: ValidationError(message, code=code)})


@dataclass
class Outcome:
    """What a posting service did, for the view to tell the author."""

    post: Post
    topic: Topic
    held_for: str = ""
    flagged: list[str] = field(default_factory=list)

    @property
    def is_published(self) -> bool:
        return self.post.status == PostStatus.PUBLISHED


def can_moderate(user: User) -> bool:
    return user.is_authenticated and user.has_perm(MODERATE_PERMISSION)


# --- posting ------------------------------------------------------------------------------------------------------


def _remember(outcome, vault):
    return {"pk": outcome.post.pk, "held_for": str(outcome.held_for), "flagged": [str(w) for w in outcome.flagged]}


def _recall(data, vault):
    post = Post.objects.select_related("topic").get(pk=data["pk"])
    return Outcome(post=post, topic=post.topic, held_for=data["held_for"], flagged=data["flagged"])


def create_topic(board: ForumBoardPage, author: User, title: str, body: str, idempotency_key: str = "") -> Outcome:
    """Open a topic on the board with its first post. Published at once unless the board or the text holds it.

    A resend with the same ``idempotency_key`` returns the first Outcome (core/idempotency.py).
    """
    if idempotency_key:
        return idempotency.once(
            f"forum.topic:{board.pk}",
            idempotency_key,
            lambda: create_topic(board, author, title, body),
            owner=idempotency.owner_of(author),
            remember=_remember,
            recall=_recall,
        )
    title, body = title.strip(), body.strip()
    _check_can_post(author, body)
    status, held_for, flagged = _initial_status(board, title, body)
    now = timezone.now()
    with transaction.atomic():
        topic = Topic.objects.create(board=board, title=title, author=author, status=status, last_activity_at=now)
        post = Post.objects.create(
            topic=topic,
            author=author,
            is_opening=True,
            body=body,
            status=status,
            held_for=held_for,
            flagged_words=_flagged_text(flagged),
        )
    return Outcome(post=post, topic=topic, held_for=held_for, flagged=flagged)


def reply(topic: Topic, author: User, body: str, idempotency_key: str = "") -> Outcome:
    """Add a reply to a visible, unlocked topic. A resend with the same ``idempotency_key`` returns the first."""
    if idempotency_key:
        return idempotency.once(
            f"forum.reply:{topic.pk}",
            idempotency_key,
            lambda: reply(topic, author, body),
            owner=idempotency.owner_of(author),
            remember=_remember,
            recall=_recall,
        )
    body = body.strip()
    with transaction.atomic():
        # Lock the topic row so a moderator locking it cannot race a reply in.
        topic = Topic.objects.select_for_update().select_related("board").get(pk=topic.pk)
        if topic.locked:
            raise _error(
                NON_FIELD_ERRORS, _("This topic is locked: no more replies can be added."), ForumErrorCode.LOCKED
            )
        if not topic.is_visible:
            raise _error(NON_FIELD_ERRORS, _("This topic is not open for replies."), ForumErrorCode.NOT_VISIBLE)
        _check_can_post(author, body)
        status, held_for, flagged = _initial_status(topic.board, "", body)
        post = Post.objects.create(
            topic=topic,
            author=author,
            body=body,
            status=status,
            held_for=held_for,
            flagged_words=_flagged_text(flagged),
        )
        if status == PostStatus.PUBLISHED:
            _refresh_topic_counters(topic, activity_at=post.created_at)
    return Outcome(post=post, topic=topic, held_for=held_for, flagged=flagged)


def _initial_status(board, title, body):
    flagged = find_sensitive_words(title, body)
    if flagged:
        return PostStatus.PENDING, HoldReason.SENSITIVE, flagged
    if board.is_pre_moderated:
        return PostStatus.PENDING, HoldReason.BOARD, []
    return PostStatus.PUBLISHED, HoldReason.NONE, []


def _flagged_text(words):
    return "、".join(words)[:255]


def _check_can_post(author, body):
    if not author.is_authenticated:
        raise PermissionDenied
    since = timezone.now() - timezone.timedelta(seconds=settings.FORUM_FLOOD_SECONDS)
    if Post.objects.filter(author=author, body=body, created_at__gte=since).exists():
        raise _error(
            "body", _("You posted the same text a moment ago. Please do not post it again."), ForumErrorCode.FLOOD
        )
    take_post_slot(author)  # last: a post refused for another reason does not use up the user's allowance


# --- rate limits --------------------------------------------------------------------------------------------------


def take_post_slot(user: User) -> None:
    """Count a post against the user's minute and day windows, or refuse it when either is full.

    One atomic cache increment per window (shared by every web process on Redis), taken before the post is written:
    two posts sent at the same moment cannot both slip under the limit, as a read-then-write check would let them.
    """
    now = time.time()
    limits = (
        (MINUTE, settings.FORUM_POSTS_PER_MINUTE, ForumErrorCode.RATE_MINUTE),
        (DAY, settings.FORUM_POSTS_PER_DAY, ForumErrorCode.RATE_DAY),
    )
    for seconds, limit, code in limits:
        bucket, _ends = window_bucket(now, seconds)
        # Fails open (core/ratelimit.py): signed-in cadres, moderated posts; a lost post costs more.
        if increment(f"forum:posts:{user.pk}:{seconds}:{bucket}", seconds, fail_open=True) > limit:
            raise _error(NON_FIELD_ERRORS, _rate_message(code, limit), code)


def _rate_message(code, limit):
    if code == ForumErrorCode.RATE_MINUTE:
        message = ngettext(
            "You can post at most %(count)d time a minute. Please wait a moment and send it again.",
            "You can post at most %(count)d times a minute. Please wait a moment and send it again.",
            limit,
        )
    else:
        message = ngettext(
            "You can post at most %(count)d time a day. Please come back tomorrow.",
            "You can post at most %(count)d times a day. Please come back tomorrow.",
            limit,
        )
    return message % {"count": limit}


# --- reports ------------------------------------------------------------------------------------------------------


def report_post(post: Post, reporter: User, reason: str, note: str = "") -> tuple[PostReport, bool]:
    """Record a user's report; a second report by the same user is ignored. Returns (report, created).

    When the post reaches FORUM_REPORTS_TO_HIDE distinct open reports it is hidden until a moderator reviews it.
    """
    if not reporter.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        try:
            with transaction.atomic():
                report = PostReport.objects.create(post=post, reporter=reporter, reason=reason, note=note.strip())
        except IntegrityError:
            return PostReport.objects.get(post=post, reporter=reporter), False
        open_reports = post.reports.filter(resolved=False).count()
        if post.status == PostStatus.PUBLISHED and open_reports >= settings.FORUM_REPORTS_TO_HIDE:
            _transition(
                post,
                PostStatus.HIDDEN,
                ModerationAction.Action.AUTO_HIDE,
                moderator=None,
                reason=ngettext("%(count)d user reported it", "%(count)d users reported it", open_reports)
                % {"count": open_reports},
                held_for=HoldReason.REPORTS,
                resolve_reports=False,
            )
    return report, True


# --- moderation ---------------------------------------------------------------------------------------------------


def _require_moderator(user):
    if not can_moderate(user):
        raise PermissionDenied


def approve_post(post: Post, by: User) -> Post:
    """Publish a pending or hidden post; its open reports are resolved."""
    _require_moderator(by)
    with transaction.atomic():
        post = _locked(post)
        return _transition(post, PostStatus.PUBLISHED, ModerationAction.Action.APPROVE, moderator=by)


def reject_post(post: Post, by: User, reason: str) -> Post:
    """Reject a post; the author sees the reason beside it."""
    _require_moderator(by)
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("Give the author a reason for the rejection."), ForumErrorCode.REASON_REQUIRED)
    with transaction.atomic():
        post = _locked(post)
        return _transition(
            post, PostStatus.REJECTED, ModerationAction.Action.REJECT, moderator=by, reason=reason, rejection=reason
        )


def hide_post(post: Post, by: User, reason: str = "") -> Post:
    """Take a post out of public view."""
    _require_moderator(by)
    with transaction.atomic():
        post = _locked(post)
        return _transition(post, PostStatus.HIDDEN, ModerationAction.Action.HIDE, moderator=by, reason=reason)


def dismiss_reports(post: Post, by: User, reason: str = "") -> Post:
    """Keep a reported post as it is and close its reports."""
    _require_moderator(by)
    with transaction.atomic():
        post = _locked(post)
        post.reports.filter(resolved=False).update(resolved=True)
        ModerationAction.objects.create(
            moderator=by,
            action=ModerationAction.Action.DISMISS_REPORTS,
            post=post,
            topic_id=post.topic_id,
            from_status=post.status,
            to_status=post.status,
            reason=reason,
        )
    return post


def set_pinned(topic: Topic, pinned: bool, by: User) -> Topic:
    """Pin a topic to the top of its board, or unpin it."""
    return _set_topic_flag(
        topic, "pinned", pinned, ModerationAction.Action.PIN if pinned else ModerationAction.Action.UNPIN, by
    )


def set_locked(topic: Topic, locked: bool, by: User) -> Topic:
    """Lock a topic against replies, or open it again."""
    return _set_topic_flag(
        topic, "locked", locked, ModerationAction.Action.LOCK if locked else ModerationAction.Action.UNLOCK, by
    )


def _set_topic_flag(topic, flag, value, action, by):
    _require_moderator(by)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        if getattr(topic, flag) != value:
            setattr(topic, flag, value)
            topic.save(update_fields=[flag])
            ModerationAction.objects.create(moderator=by, action=action, topic=topic)
    return topic


def _locked(post):
    return Post.objects.select_for_update().select_related("topic").get(pk=post.pk)


def _transition(post, to_status, action, moderator, reason="", rejection="", held_for="", resolve_reports=True):
    """Move a post along POST_TRANSITIONS, keep its topic in step, and record the action. Caller holds a lock."""
    from_status = PostStatus(post.status)
    if to_status not in POST_TRANSITIONS[from_status]:
        raise TransitionNotAllowed(
            _("A post that is %(from)s cannot become %(to)s.")
            % {"from": from_status.label, "to": PostStatus(to_status).label},
            code=ForumErrorCode.TRANSITION,
        )
    post.status = to_status
    post.rejection_reason = rejection if to_status == PostStatus.REJECTED else ""
    post.held_for = held_for
    post.save(update_fields=["status", "rejection_reason", "held_for"])
    if resolve_reports:
        post.reports.filter(resolved=False).update(resolved=True)
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    if post.is_opening:
        topic.status = to_status
        topic.save(update_fields=["status"])
    activity_at = timezone.now() if to_status == PostStatus.PUBLISHED and not post.is_opening else None
    _refresh_topic_counters(topic, activity_at=activity_at)
    ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        post=post,
        topic=topic,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    return post


def _refresh_topic_counters(topic, activity_at=None):
    """Recount the topic's published replies (cheap: one indexed count) and move its last activity forward."""
    updates = {"reply_count": Post.objects.filter(topic=topic, is_opening=False, status=PostStatus.PUBLISHED).count()}
    if activity_at is not None:
        updates["last_activity_at"] = activity_at
    Topic.objects.filter(pk=topic.pk).update(**updates)
    for name, value in updates.items():
        setattr(topic, name, value)
