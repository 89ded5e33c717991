"""Electronic supervision (电子监察): received events, clocks and their alerts, findings, cases and the audit chain."""

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import events

# Supervision keeps what it was told even when the department or user it names is later deleted: the foreign keys
# below are not enforced by the database and never cascade.
LOOSE = {"null": True, "blank": True, "on_delete": models.DO_NOTHING, "db_constraint": False, "related_name": "+"}


class ReceivedEvent(models.Model):
    """A domain event as it was delivered, once per (source, id)."""

    source = models.CharField(_("source"), max_length=40)
    source_id = models.BigIntegerField(_("source id"))
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    subject = models.CharField(pgettext_lazy("supervision", "subject"), max_length=120, db_index=True)
    item = models.CharField(pgettext_lazy("approval", "item"), max_length=80, blank=True, db_index=True)
    # Indexed: a supervisor looks a case up by the number people quote (电子监察 › 案件时间线).
    reference = models.CharField(_("reference"), max_length=80, blank=True, db_index=True)
    # Another case's reference this event is about (a complaint naming an approval's tracking number): the event
    # then shows on that case's timeline too.
    related_reference = models.CharField(_("related reference"), max_length=80, blank=True, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), **LOOSE)
    actor_name = models.CharField(_("actor name"), max_length=100, blank=True)
    department = models.ForeignKey("directory.Department", verbose_name=_("department"), **LOOSE)
    from_state = models.CharField(_("from state"), max_length=40, blank=True)
    to_state = models.CharField(_("to state"), max_length=40, blank=True)
    is_final = models.BooleanField(_("final"), default=False)
    # DjangoJSONEncoder: a source passing a Decimal or a datetime must not fail its own transition.
    payload = models.JSONField(_("facts"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    clocks = models.JSONField(_("clock instructions"), default=list, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("received event")
        verbose_name_plural = _("received events")
        ordering = ["occurred_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="supervision_event_once")]
        indexes = [models.Index(fields=["kind", "occurred_at"], name="supervision_event_kind_time")]

    def __str__(self):
        return f"{self.kind_label} · {self.reference}" if self.reference else self.kind_label

    @property
    def key(self):
        return f"{self.source}:{self.source_id}"

    @property
    def kind_label(self):
        return events.label_for(self.kind)


class EventCase(models.Model):
    """A case an event about many cases names (a chunk of deadlines a holiday change moved lists each case in its
    payload's ``moves``): the event shows on that case's timeline too, audited once for all of them."""

    event = models.ForeignKey(ReceivedEvent, on_delete=models.CASCADE, related_name="cases")
    subject = models.CharField(pgettext_lazy("supervision", "subject"), max_length=120, db_index=True)

    class Meta:
        verbose_name = _("case named by an event")
        verbose_name_plural = _("cases named by events")
        constraints = [models.UniqueConstraint(fields=["event", "subject"], name="supervision_event_case_once")]

    def __str__(self):
        return self.subject


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ThresholdPolicy(models.Model):
    """When clocks warn and card: one row per item ("approvals.item:12"), and one global row with an empty policy."""

    policy = models.CharField(
        pgettext_lazy("approval", "item"),
        max_length=80,
        blank=True,
        unique=True,
        help_text=_('The item the thresholds apply to, e.g. "approvals.item:12". Leave empty for the global defaults.'),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    warning_working_days = models.PositiveSmallIntegerField(_("warn when fewer working days remain than"), default=1)
    warning_percent = models.PositiveSmallIntegerField(
        _("warn when less of the time limit remains than (%)"), default=20, validators=[MaxValueValidator(100)]
    )
    red_working_days = models.PositiveSmallIntegerField(_("red card when overdue by (working days)"), default=3)
    yellow_cards_for_red = models.PositiveSmallIntegerField(
        _("red card on the department's n-th yellow card within 30 days"), default=3
    )
    min_step_minutes = models.PositiveIntegerField(
        _("plausible minimum time for a step (minutes)"),
        default=5,
        help_text=_("A step finished faster than this raises a finding."),
    )

    class Meta:
        verbose_name = _("threshold policy")
        verbose_name_plural = _("threshold policies")
        ordering = ["policy"]

    def __str__(self):
        return self.name or self.policy or str(_("Global defaults"))


class Clock(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        STOPPED = "stopped", _("Stopped")

    class Level(models.TextChoices):
        NONE = "", _("Normal")
        WARNING = "warning", _("Early warning")
        YELLOW = "yellow", _("Yellow card")
        RED = "red", _("Red card")

    key = models.CharField(_("key"), max_length=120, unique=True)
    subject = models.CharField(pgettext_lazy("supervision", "subject"), max_length=120, db_index=True)
    label = models.CharField(_("what is timed"), max_length=300, blank=True)
    policy = models.CharField(pgettext_lazy("approval", "item"), max_length=80, blank=True, db_index=True)
    department = models.ForeignKey("directory.Department", verbose_name=_("department"), **LOOSE)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), **LOOSE)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    level = models.CharField(
        pgettext_lazy("clock", "level"), max_length=10, choices=Level.choices, default=Level.NONE, blank=True
    )
    started_at = models.DateTimeField(pgettext_lazy("time", "started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # The promised time of the whole limit (first due time minus start), for the percentage threshold.
    allowed = models.DurationField(_("time allowed"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_total = models.DurationField(_("time paused"), default=datetime.timedelta)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    # occurred_at of the newest instruction applied: an older one arriving late is ignored.
    last_event_at = models.DateTimeField(_("last instruction at"))
    # When the sweeper must next look at this clock; NULL while paused, stopped or with every rung fired.
    next_fire_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["next_fire_at"], condition=Q(next_fire_at__isnull=False), name="supervision_clock_due"
            ),
            models.Index(fields=["state", "level"], name="supervision_clock_state"),
            models.Index(fields=["state", "due_at"], name="supervision_clock_open_due"),
        ]

    def __str__(self):
        return self.label or self.key

    @property
    def is_open(self):
        return self.state != self.State.STOPPED

    @property
    def on_time(self):
        if self.state != self.State.STOPPED or not self.due_at or not self.stopped_at:
            return None
        return self.stopped_at <= self.due_at

    @property
    def used_ratio(self):
        """Active time spent over the time allowed (1.0 = exactly the limit), for a stopped clock."""
        if not (self.stopped_at and self.started_at and self.allowed):
            return None
        spent = self.stopped_at - self.started_at - self.paused_total
        return spent / self.allowed if self.allowed.total_seconds() > 0 else None


class Rung(models.TextChoices):
    WARNING = "warning", _("Early warning")
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


RUNG_ORDER = [Rung.WARNING, Rung.YELLOW, Rung.RED]


class Alert(models.Model):
    """A warning or card, fired once per clock and rung."""

    clock = models.ForeignKey(Clock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="alerts")
    rung = models.CharField(_("rung"), max_length=10, choices=Rung.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    department = models.ForeignKey("directory.Department", verbose_name=_("department"), **LOOSE)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), **LOOSE)
    fired_at = models.DateTimeField(_("fired at"), db_index=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    recipients = models.JSONField(_("notified"), default=list, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-fired_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["clock", "rung"], name="supervision_alert_once_per_rung")]
        indexes = [
            models.Index(fields=["department", "rung", "fired_at"], name="supervision_alert_dept"),
            models.Index(
                fields=["notified_at"], condition=Q(notified_at__isnull=True), name="supervision_alert_unsent"
            ),
        ]

    def __str__(self):
        return f"{self.get_rung_display()} · {self.clock}"


class SupervisionCase(models.Model):
    """A special supervision case (专项监察) opened on findings."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Accountability(models.TextChoices):
        NONE = "none", _("No accountability")
        REMINDER = "reminder", _("Reminder talk (提醒谈话)")
        ADMONITION = "admonition", _("Admonishment talk (诫勉谈话)")
        CRITICISM = "criticism", _("Circulated criticism (通报批评)")
        WARNING = "warning", _("Disciplinary warning (警告)")
        DEMERIT = "demerit", _("Demerit (记过)")
        TRANSFER = "transfer", _("Referred for disciplinary review (移送审查)")

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    accountability = models.CharField(_("accountability"), max_length=20, choices=Accountability.choices, blank=True)
    accountable_person = models.CharField(_("person held accountable"), max_length=100, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), **LOOSE)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), **LOOSE)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("special supervision case")
        verbose_name_plural = _("special supervision cases")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return self.title


class Finding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        IN_CASE = "in_case", _("In a supervision case")

    rule = models.CharField(_("rule"), max_length=40, db_index=True)
    title = models.CharField(_("rule name"), max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    message = models.CharField(_("finding"), max_length=500)
    subject = models.CharField(pgettext_lazy("supervision", "subject"), max_length=120, blank=True, db_index=True)
    event = models.ForeignKey(
        ReceivedEvent, verbose_name=_("event"), null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    department = models.ForeignKey("directory.Department", verbose_name=_("department"), **LOOSE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), **LOOSE)
    # Makes a rule fire once per thing it judges ("R03:approvals:17", "R09:2026-11:approvals.item:3:5").
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    case = models.ForeignKey(
        SupervisionCase,
        verbose_name=_("special supervision case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    created_at = models.DateTimeField(_("found at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.rule} · {self.message}"

    @property
    def rule_label(self):
        return f"{self.rule} · {self.title}"


class AuditRecord(models.Model):
    """One link of the hash chain. Never updated or deleted by the application."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    ref = models.CharField(_("reference"), max_length=200)
    recorded_at = models.DateTimeField(_("recorded at"))
    data = models.TextField(_("content"))  # the canonical JSON that was hashed
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.kind} {self.ref}"


class ChainHead(models.Model):
    """The single row every append locks: the last sequence number and hash."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"


class Checkpoint(models.Model):
    """A signed statement of the chain head, also written to a file meant to be kept off the server."""

    seq = models.PositiveBigIntegerField(_("sequence"))
    hash = models.CharField(_("hash"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    signature = models.CharField(_("signature"), max_length=200)
    public_key = models.CharField(_("public key"), max_length=100)
    file_name = models.CharField(_("file"), max_length=200)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-signed_at", "-pk"]

    def __str__(self):
        return f"#{self.seq} · {self.signed_at:%Y-%m-%d}"
