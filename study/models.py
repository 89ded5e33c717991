"""The points ledger: one row per source event, the rules that price events, and totals per period."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from core.points import PointSource


class Source(models.TextChoices):
    READING = PointSource.READING, _("Reading")
    VIDEO = PointSource.VIDEO, _("Video study")
    QUIZ = PointSource.QUIZ, pgettext_lazy("points source", "Quiz")
    DAILY_QUIZ = PointSource.DAILY_QUIZ, _("Daily quiz")
    COMPETITION = PointSource.COMPETITION, _("Competition")
    SMS_QUIZ = PointSource.SMS_QUIZ, _("SMS quiz")
    STREAK = PointSource.STREAK, _("Study streak")
    TASK = PointSource.TASK, _("Study task completed")


class PointsRule(models.Model):
    """How many points one event of a source earns, and the limits: edited by the education office in the admin."""

    source = models.CharField(_("source"), max_length=20, choices=Source.choices, unique=True)
    points = models.PositiveIntegerField(
        _("points per action"),
        default=1,
        help_text=_("0 gives the points the action itself carries (a quiz's score). Video: points per minute."),
    )
    max_per_event = models.PositiveIntegerField(
        _("limit per action"), default=0, help_text=_("The most one action can earn; 0 for no limit.")
    )
    daily_cap = models.PositiveIntegerField(
        _("daily cap"), default=0, help_text=_("The most a cadre can earn from this source in a day; 0 for no cap.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["source"]

    def __str__(self):
        return str(self.get_source_display())


class PointsEntry(models.Model):
    """Points credited for one event of a source: unique per cadre, source and key, so nothing counts twice."""

    cadre = models.ForeignKey("directory.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    key = models.CharField(_("event"), max_length=80)
    day = models.DateField(pgettext_lazy("date", "day"))
    points = models.PositiveIntegerField(_("points"), validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(_("credited at"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = [models.UniqueConstraint(fields=["cadre", "source", "key"], name="points_entry_once")]
        indexes = [models.Index(fields=["cadre", "-day", "-id"], name="points_entry_cadre_day")]

    def __str__(self):
        return f"{self.cadre_id} {self.source} {self.key}: {self.points}"


class PointsTotal(models.Model):
    """A cadre's points in one period ("w2026-49", "m2026-12", "y2026"), kept as entries are credited."""

    cadre = models.ForeignKey("directory.Cadre", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)
    points = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="points_total_once")]
        indexes = [
            models.Index(fields=["period", "-points", "cadre"], name="points_total_ranking"),
        ]

    def __str__(self):
        return f"{self.cadre_id} {self.period}: {self.points}"


class DepartmentTotal(models.Model):
    """A department's points in one period ("w2026-49", "m2026-12", "y2026") and how many of its cadres earned
    any, counted under each cadre's department now: what the department ranking reads, one row per department.

    On PostgreSQL the database keeps it (migration 0009's triggers): a ``PointsTotal`` written or deleted adds to
    or takes from its cadre's department, and a cadre whose department changes (a form, an import,
    ``QuerySet.update``, plain SQL) takes their totals along, in the same statement. Elsewhere (SQLite) it stays
    empty and the ranking sums ``PointsTotal`` joined to the cadres instead, with the same result.
    """

    period = models.CharField(max_length=10)
    department = models.ForeignKey("directory.Department", on_delete=models.CASCADE, related_name="+")
    points = models.BigIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "department"], name="department_total_once")]

    def __str__(self):
        return f"{self.department_id} {self.period}: {self.points}/{self.participants}"


class StudyTask(models.Model):
    """A study task (学习任务): pages and/or a quiz for departments or groups, with a deadline and a pass mark."""

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    pages = models.ManyToManyField(
        "wagtailcore.Page", verbose_name=_("pages and videos to study"), blank=True, related_name="+"
    )
    quiz = models.ForeignKey(
        "quizzes.QuizPage", verbose_name=_("quiz"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pass_mark = models.PositiveIntegerField(_("pass mark"), default=60, help_text=_("The quiz score that passes."))
    video_percent = models.PositiveSmallIntegerField(
        _("share of a video to watch (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A page with a video counts once its videos were watched this long, not when it is opened."),
    )
    departments = models.ManyToManyField(
        "directory.Department",
        verbose_name=_("departments"),
        blank=True,
        related_name="+",
        help_text=_("Their cadres and those of every unit below them."),
    )
    groups = models.ManyToManyField(
        "directory.CadreGroup", verbose_name=pgettext_lazy("cadre", "groups"), blank=True, related_name="+"
    )
    deadline = models.DateTimeField(_("deadline"))
    remind_days_before = models.PositiveSmallIntegerField(
        _("first reminder, days before the deadline"), default=3, help_text=_("A second reminder goes 1 day before.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("study task")
        verbose_name_plural = _("study tasks")
        ordering = ["-deadline"]

    def __str__(self):
        return self.title

    @property
    def completion_label(self):
        return pgettext("study task", "Completion")


class TaskMember(models.Model):
    """A cadre a task was assigned to, in the department they belonged to then (it stays answerable for them)."""

    task = models.ForeignKey(StudyTask, on_delete=models.CASCADE, related_name="members")
    cadre = models.ForeignKey("directory.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "directory.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    pages_done = models.PositiveIntegerField(_("pages studied"), default=0)
    best_score = models.PositiveIntegerField(_("best quiz score"), null=True, blank=True)
    completed_at = models.DateTimeField(pgettext_lazy("study task", "completed at"), null=True, blank=True)
    # When each SMS reminder was queued (or skipped for good: opted out), so each goes once.
    reminded_early_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_last_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task member")
        verbose_name_plural = _("task members")
        constraints = [models.UniqueConstraint(fields=["task", "cadre"], name="task_member_once")]
        indexes = [
            models.Index(fields=["cadre", "task"], name="task_member_cadre"),
            models.Index(fields=["task", "department"], name="task_member_department"),
        ]

    def __str__(self):
        return f"{self.task_id} {self.cadre_id}"


class VideoWatch(models.Model):
    """One viewing of a self-hosted video by a cadre: the server's record of its heartbeats (视听学习)."""

    cadre = models.ForeignKey("directory.Cadre", on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=43, unique=True)
    video_seconds = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_beat_at = models.DateTimeField()
    last_seq = models.PositiveIntegerField(default=0)
    last_position = models.FloatField(default=0)
    credited_seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["cadre", "video"], name="video_watch_cadre")]

    def __str__(self):
        return f"{self.cadre_id} {self.video_id}: {self.credited_seconds:.0f}/{self.video_seconds}"
