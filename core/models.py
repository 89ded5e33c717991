"""The office's own copy of the State Council's holiday schedule: what core.workdays reads before the package."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HolidaySchedule(models.Model):
    """One year's schedule as the office entered it from the State Council's notice."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("notice title"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    published_on = models.DateField(_("notice date"), null=True, blank=True)
    notice_text = models.TextField(_("notice text"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        permissions = [("manage_holiday_schedule", _("Can enter the holiday schedule"))]

    def __str__(self):
        return str(self.year)


class HolidayDate(models.Model):
    """A date whose status differs from an ordinary Monday-to-Friday week: a weekday off or a weekend day worked."""

    class Kind(models.TextChoices):
        OFF = "off", pgettext_lazy("holiday date", "Day off")
        WORKDAY = "workday", pgettext_lazy("holiday date", "Weekend day worked")

    schedule = models.ForeignKey(HolidaySchedule, related_name="dates", on_delete=models.CASCADE)
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("holiday"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday date")
        verbose_name_plural = _("holiday dates")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.kind}"


class CalendarRecompute(models.Model):
    """One recomputation of the open deadlines after a year's schedule changed: claimed once, run at least once."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("recompute", "Pending")
        RUNNING = "running", pgettext_lazy("recompute", "Running")
        DONE = "done", pgettext_lazy("recompute", "Done")

    year = models.PositiveSmallIntegerField(_("year"))
    generation = models.CharField(max_length=40)  # which change of the schedule (before -> after) this run applies
    dates = models.JSONField(default=list)  # the dates whose status the change flipped, ISO strings
    progress = models.JSONField(default=dict)  # per platform, the last row done: a rerun resumes there
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    changed = models.PositiveIntegerField(_("deadlines moved"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar recomputation")
        verbose_name_plural = _("calendar recomputations")
        constraints = [models.UniqueConstraint(fields=["year", "generation"], name="core_recompute_once")]

    def __str__(self):
        return f"{self.year} {self.status}"


class CalendarEvent(models.Model):
    """A change to the office's calendar (a year entered or changed, a recomputation run), as published for audit."""

    schedule = models.ForeignKey(HolidaySchedule, related_name="events", null=True, on_delete=models.SET_NULL)
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")

    def __str__(self):
        return self.kind


class IdempotencyKey(models.Model):
    """One submission's key, claimed in the transaction that creates its object (core.idempotency)."""

    scope = models.CharField(max_length=60)
    owner = models.CharField(max_length=60, blank=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "owner", "digest"], name="core_idempotency_once")]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self):
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"
