from importlib import import_module

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Pre-moderation: every post waits for a moderator")
    POST = "post", _("Post-moderation: posts appear at once and can be hidden later")


class PostStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", pgettext_lazy("decision", "Rejected")
    HIDDEN = "hidden", _("Hidden")


# The moderation state machine, written once: which status a post (and a topic, which follows its opening post)
# may move to from which. Services refuse anything else.
POST_TRANSITIONS = {
    PostStatus.PENDING: {PostStatus.PUBLISHED, PostStatus.REJECTED, PostStatus.HIDDEN},
    PostStatus.PUBLISHED: {PostStatus.HIDDEN, PostStatus.REJECTED},
    PostStatus.HIDDEN: {PostStatus.PUBLISHED, PostStatus.REJECTED},
    PostStatus.REJECTED: set(),
}


class HoldReason(models.TextChoices):
    NONE = "", _("Not held")
    BOARD = "board", _("The board is pre-moderated")
    SENSITIVE = "sensitive", _("Contains sensitive words")
    REPORTS = "reports", _("Reported by several users")


class ForumBoardPage(RoutablePageMixin, Page):
    """A forum board (版块): lists its topics and takes new ones; each topic is a sub-route of the board."""

    intro = models.TextField(_("introduction"), blank=True)
    moderation = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationMode.choices,
        default=ModerationMode.POST,
        help_text=_("Pre-moderated boards publish nothing before a moderator approves it."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("moderation")]
    subpage_types = []
    template = "forum/board_page.html"

    class Meta:
        verbose_name = _("forum board")
        verbose_name_plural = _("forum boards")

    @property
    def is_pre_moderated(self):
        return self.moderation == ModerationMode.PRE

    # The board's sub-routes (its topic list, a topic, reporting a post) are the URLconf forum/board_urls.py, named
    # by its dotted path as settings name ROOT_URLCONF: the views behind them import these models, so the models
    # never import the views.
    subpage_urlconf = "forum.board_urls"

    @classmethod
    def get_subpage_urls(cls):
        return tuple(import_module(cls.subpage_urlconf).urlpatterns)


class Topic(models.Model):
    board = models.ForeignKey(ForumBoardPage, verbose_name=_("board"), on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=80)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="forum_topics"
    )
    # Follows the opening post: a topic is listed only while its opening post is published.
    status = models.CharField(_("status"), max_length=20, choices=PostStatus.choices, default=PostStatus.PENDING)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)
    # Published replies (the opening post not counted), kept by the services.
    reply_count = models.PositiveIntegerField(_("replies"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-pinned", "-last_activity_at", "-pk"]
        indexes = [models.Index(fields=["board", "status", "-pinned", "-last_activity_at"])]
        permissions = [("moderate_forum", _("Can moderate the forum"))]

    def __str__(self):
        return self.title

    def get_url(self, request=None):
        return self.board.get_url(request) + self.board.reverse_subpage("topic", kwargs={"pk": self.pk})

    @property
    def is_visible(self):
        return self.status == PostStatus.PUBLISHED


class Post(models.Model):
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="forum_posts"
    )
    is_opening = models.BooleanField(_("opening post"), default=False, editable=False)
    body = models.TextField(_("text"), max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=PostStatus.choices, default=PostStatus.PENDING)
    held_for = models.CharField(_("held for"), max_length=20, choices=HoldReason.choices, default="", blank=True)
    flagged_words = models.CharField(_("sensitive words found"), max_length=255, blank=True)
    rejection_reason = models.CharField(
        _("reason for rejection"), max_length=500, blank=True, help_text=_("Shown to the author.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["topic", "status", "created_at"]), models.Index(fields=["status"])]

    def __str__(self):
        return self.body[:40]

    @property
    def is_visible(self):
        return self.status == PostStatus.PUBLISHED


class ReportReason(models.TextChoices):
    ABUSE = "abuse", _("Abuse or insults")
    SPAM = "spam", _("Spam or advertising")
    FALSE_INFORMATION = "false_information", _("False information")
    PRIVACY = "privacy", _("Reveals someone's private information")
    OTHER = "other", _("Other")


class PostReport(models.Model):
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reporter"), on_delete=models.CASCADE, related_name="forum_reports"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("post report")
        verbose_name_plural = _("post reports")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="unique_forum_report_per_user")]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.post_id}"


class ModerationAction(models.Model):
    """One moderation decision, written by the service that made it, in the same transaction."""

    class Action(models.TextChoices):
        APPROVE = "approve", pgettext_lazy("decision", "Approved")
        REJECT = "reject", pgettext_lazy("decision", "Rejected")
        HIDE = "hide", _("Hidden")
        AUTO_HIDE = "auto_hide", _("Hidden automatically after reports")
        DISMISS_REPORTS = "dismiss_reports", _("Reports dismissed")
        PIN = "pin", _("Pinned")
        UNPIN = "unpin", _("Unpinned")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the system acted by itself."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"
