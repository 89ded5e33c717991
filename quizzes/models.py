"""Question bank, quiz pages, attempts, leaderboards and the SMS daily question (study points go to the study ledger).

Leaderboards are tables kept up to date when an attempt ends (quizzes.boards), never computed per request.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

LETTERS = "ABCDEFGH"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuestionTag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("question tag")
        verbose_name_plural = _("question tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Question(models.Model):
    """One question: options as a list of texts, the correct ones as their indices (0-based)."""

    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    text = models.TextField(_("question"), max_length=500)
    options = models.JSONField(_("options"), default=list)
    correct = models.JSONField(_("correct options"), default=list, help_text=_("Indices of the correct options."))
    explanation = models.TextField(_("explanation"), blank=True)
    policy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("policy page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page with the rule this question tests."),
    )
    tags = models.ManyToManyField(QuestionTag, verbose_name=_("tags"), blank=True, related_name="questions")
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices, default=Difficulty.EASY)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["pk"]
        indexes = [models.Index(fields=["is_active", "difficulty"])]

    def __str__(self):
        return self.text[:60]

    def letters(self, indices):
        return "".join(LETTERS[i] for i in sorted(indices))


class QuizMode(models.TextChoices):
    PRACTICE = "practice", _("Practice")
    TIMED = "timed", _("Timed quiz")
    DAILY = "daily", _("Daily quiz")
    COMPETITION = "competition", _("Competition")


class QuizPage(Page):
    """A quiz cadres play in the app: its questions are drawn from the bank by tags and difficulty."""

    mode = models.CharField(_("mode"), max_length=12, choices=QuizMode.choices, default=QuizMode.TIMED)
    intro = RichTextField(_("introduction"), blank=True)
    question_count = models.PositiveSmallIntegerField(_("questions per attempt"), default=10)
    seconds_per_question = models.PositiveSmallIntegerField(
        _("seconds per question"), default=30, help_text=_("Ignored in practice mode, which is untimed.")
    )
    draw_tags = ParentalManyToManyField(
        QuestionTag, verbose_name=_("draw from tags"), blank=True, help_text=_("Empty: the whole bank.")
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, null=True, blank=True, help_text=_("Empty: any difficulty.")
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempts per cadre"), default=0, help_text=_("0: unlimited. A daily quiz allows one attempt a day.")
    )
    eligible_departments = ParentalManyToManyField(
        "directory.Department",
        verbose_name=_("eligible departments (with their subunits)"),
        blank=True,
        help_text=_("Empty: every cadre."),
    )
    min_participants = models.PositiveSmallIntegerField(_("participants before a department is ranked"), default=3)

    content_panels = Page.content_panels + [
        FieldPanel("mode"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("question_count"),
                FieldPanel("seconds_per_question"),
                FieldPanel("draw_tags"),
                FieldPanel("difficulty"),
            ],
            _("Questions"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("opens_at"),
                FieldPanel("closes_at"),
                FieldPanel("attempt_limit"),
                FieldPanel("eligible_departments"),
                FieldPanel("min_participants"),
            ],
            _("Competition"),
        ),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    template = "quizzes/quiz_page.html"

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @property
    def is_timed(self):
        return self.mode != QuizMode.PRACTICE and self.seconds_per_question > 0

    def is_open(self, now=None):
        now = now or timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and (self.closes_at is None or now < self.closes_at)

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The quiz must close after it opens.")})
        if not 1 <= self.question_count <= 100:
            raise ValidationError({"question_count": _("Between 1 and 100 questions.")})


class DailySet(models.Model):
    """The questions of a daily quiz on one day: the same for everyone."""

    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="daily_sets")
    day = models.DateField()
    question_ids = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "day"], name="one_daily_set_per_quiz_day")]

    def __str__(self):
        return f"{self.quiz_id} {self.day}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("quiz attempt", "In progress")
    FINISHED = "finished", _("Finished")
    EXPIRED = "expired", _("Expired")


# The allowed transitions, written once; quizzes.services refuses any other.
ATTEMPT_TRANSITIONS = {
    AttemptState.IN_PROGRESS: {AttemptState.FINISHED, AttemptState.EXPIRED},
    AttemptState.FINISHED: set(),
    AttemptState.EXPIRED: set(),
}


class Attempt(models.Model):
    quiz = models.ForeignKey(QuizPage, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts")
    cadre = models.ForeignKey(
        "directory.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    department = models.ForeignKey(
        "directory.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField(_("attempt number"))
    day = models.DateField(pgettext_lazy("date", "day"))
    state = models.CharField(_("state"), max_length=12, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    started_at = models.DateTimeField(pgettext_lazy("time", "started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    score = models.PositiveIntegerField(_("score"), default=0)
    correct_count = models.PositiveSmallIntegerField(_("correct answers"), default=0)
    question_count = models.PositiveSmallIntegerField(_("questions"), default=0)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "cadre", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["quiz", "cadre"], condition=Q(state="in_progress"), name="one_open_attempt_per_quiz"
            ),
        ]
        indexes = [models.Index(fields=["state", "expires_at"]), models.Index(fields=["cadre", "day"])]

    def __str__(self):
        return f"{self.quiz_id}/{self.cadre_id}#{self.number}"


class AttemptEvent(models.Model):
    """Every state change of an attempt (house rule: every transition writes an event)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.attempt_id} {self.from_state}->{self.to_state}"


class AttemptQuestion(models.Model):
    """A question as served in one attempt: its option order, when it was shown, its deadline and the answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option_order = models.JSONField(default=list, help_text="Original option indices in the order shown.")
    served_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    chosen = models.JSONField(null=True, blank=True, help_text="Original indices chosen; [] when time ran out.")
    is_correct = models.BooleanField(null=True)
    late = models.BooleanField(default=False)
    points = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_position_unique"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_unique"),
        ]
        indexes = [models.Index(fields=["question", "is_correct"])]

    def __str__(self):
        return f"{self.attempt_id}#{self.position}"

    @property
    def answered(self):
        return self.answered_at is not None


class Board(models.TextChoices):
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    COMPETITION = "competition", _("Competition")


class BoardScore(models.Model):
    """A cadre's score on one board and period ("2026-W48", "2026-11", "quiz:12"), kept as attempts end."""

    board = models.CharField(max_length=12, choices=Board.choices)
    period = models.CharField(max_length=20)
    cadre = models.ForeignKey("directory.Cadre", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("directory.Department", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveIntegerField(default=0)
    reached_at = models.DateTimeField(default=timezone.now, help_text="When the score was reached: breaks ties.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "period", "cadre"], name="board_score_unique")]
        indexes = [
            models.Index(fields=["board", "period", "-score", "reached_at", "cadre"], name="board_score_ranking")
        ]

    def __str__(self):
        return f"{self.board} {self.period} {self.cadre_id}: {self.score}"


class DepartmentBoardScore(models.Model):
    """A department's total on one board and period; per_member (thousandths) orders the department board."""

    board = models.CharField(max_length=12, choices=Board.choices)
    period = models.CharField(max_length=20)
    department = models.ForeignKey("directory.Department", on_delete=models.CASCADE, related_name="+")
    total = models.PositiveBigIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    per_member = models.PositiveBigIntegerField(default=0, help_text="total * 1000 // participants")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "period", "department"], name="department_board_unique")
        ]
        indexes = [
            models.Index(
                fields=["board", "period", "-per_member", "-participants", "department"],
                name="department_board_ranking",
            )
        ]

    def __str__(self):
        return f"{self.board} {self.period} {self.department_id}: {self.total}/{self.participants}"


class SmsQuestion(models.Model):
    """The question of the day pushed by SMS; replies to it are SmsAnswers."""

    day = models.DateField(pgettext_lazy("date", "day"), unique=True)
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("short link code"), max_length=12, unique=True)
    campaign = models.OneToOneField(
        "sms.Campaign", verbose_name=_("campaign"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SMS daily question")
        verbose_name_plural = _("SMS daily questions")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.question}"


class SmsAnswer(models.Model):
    sms_question = models.ForeignKey(SmsQuestion, on_delete=models.CASCADE, related_name="answers")
    cadre = models.ForeignKey("directory.Cadre", on_delete=models.CASCADE, related_name="+")
    chosen = models.JSONField(default=list)
    is_correct = models.BooleanField()
    points = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sms_question", "cadre"], name="one_sms_answer_per_cadre")]

    def __str__(self):
        return f"{self.sms_question_id} {self.cadre_id}"


def local_day(moment=None):
    return timezone.localdate(moment) if moment else timezone.localdate()


def week_period(day: datetime.date):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_period(day: datetime.date):
    return f"{day.year}-{day.month:02d}"
