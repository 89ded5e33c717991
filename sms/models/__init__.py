"""Every text message the system sends or receives, campaigns to cadres, their deliveries and one-time codes."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField


class Direction(models.TextChoices):
    OUTBOUND = "out", _("Outbound")
    INBOUND = "in", _("Inbound")


class MessageKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    CODE = "code", _("One-time code")
    REPLY = "reply", _("Automatic reply")
    NOTICE = "notice", _("Notice")
    INBOUND = "inbound", _("Received")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    UNDELIVERED = "undelivered", _("Undelivered")
    SKIPPED = "skipped", _("Skipped")


# How far along each status is: a status callback may only move a message forward (out-of-order safe).
STATUS_RANK = {
    DeliveryStatus.QUEUED: 0,
    DeliveryStatus.SKIPPED: 0,
    DeliveryStatus.SENDING: 1,
    DeliveryStatus.SENT: 2,
    DeliveryStatus.FAILED: 3,
    DeliveryStatus.UNDELIVERED: 3,
    DeliveryStatus.DELIVERED: 3,
}
FINAL_STATUSES = {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED, DeliveryStatus.SKIPPED}


class Message(models.Model):
    """The log: one row per SMS handed to a gateway or received from one."""

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    phone = PhoneNumberField(_("phone"), region="CN", db_index=True)
    # A citizen's number, once its notice is settled, is kept only as this keyed hash (sms/retention.py).
    phone_digest = models.CharField(_("number (keyed hash)"), max_length=64, blank=True, db_index=True)
    cadre = models.ForeignKey(
        "directory.Cadre", verbose_name=_("cadre"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery = models.OneToOneField(
        "sms.Delivery",
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="message",
    )
    body = models.TextField(_("text"))
    encoding = models.CharField(_("encoding"), max_length=5, blank=True)
    segments = models.PositiveSmallIntegerField(_("segments"), default=1)
    gateway = models.CharField(_("gateway"), max_length=30)
    provider_id = models.CharField(_("provider message id"), max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.SENT)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    # The reply handler (sms.replies) that answered an inbound message, by name; blank when none did.
    handled_by = models.CharField(max_length=60, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_direction_display()} {self.phone} {self.body[:20]}"


class Campaign(models.Model):
    """Integrity SMS to an audience of cadres, sent once, at a time, on a recurring schedule or before holidays."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", pgettext_lazy("decision", "Approved")
        SENDING = "sending", _("Sending")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    class Timing(models.TextChoices):
        NOW = "now", _("As soon as approved")
        AT = "at", _("At a set time")
        RECURRING = "recurring", _("Recurring")
        HOLIDAY = "holiday", _("Before each public holiday")

    title = models.CharField(_("title"), max_length=100)
    phrase = models.ForeignKey(
        "cms.WarningPhrase",
        verbose_name=_("warning phrase"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("free text"), blank=True, help_text=_("Used when no warning phrase is chosen."))
    template = models.ForeignKey(
        "sms.SmsTemplate",
        verbose_name=_("SMS template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("The provider's approved template; its variables are filled below."),
    )
    # {"variable": "value"}; per-recipient variables (name, post, unit) are filled at sending.
    template_params = models.JSONField(_("template values"), default=dict, blank=True)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("linked page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Adds a short link to the page; clicks are counted per cadre."),
    )

    all_cadres = models.BooleanField(_("all cadres"), default=False)
    departments = models.ManyToManyField(
        "directory.Department", verbose_name=_("departments (with their subunits)"), blank=True, related_name="+"
    )
    groups = models.ManyToManyField(
        "directory.CadreGroup", verbose_name=pgettext_lazy("cadre", "groups"), blank=True, related_name="+"
    )
    posts = models.JSONField(_("posts"), default=list, blank=True)
    ranks = models.JSONField(_("ranks"), default=list, blank=True)
    exclude_departments = models.ManyToManyField(
        "directory.Department", verbose_name=_("except departments"), blank=True, related_name="+"
    )
    exclude_groups = models.ManyToManyField(
        "directory.CadreGroup", verbose_name=_("except groups"), blank=True, related_name="+"
    )
    exclude_cadres = models.ManyToManyField(
        "directory.Cadre", verbose_name=_("except cadres"), blank=True, related_name="+"
    )

    timing = models.CharField(_("when"), max_length=10, choices=Timing.choices, default=Timing.NOW)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    cron = models.CharField(
        _("recurrence (cron)"),
        max_length=100,
        blank=True,
        help_text=_("For example 30 8 * * 1: every Monday at 08:30."),
    )
    holiday_days_before = models.PositiveSmallIntegerField(_("working days before the holiday"), default=1)
    holiday_send_time = models.TimeField(_("send time"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Fingerprint of content, audience and timing at approval: a later edit no longer matches and needs approval.
    approved_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SMS campaign")
        verbose_name_plural = _("SMS campaigns")
        permissions = [("approve_campaign", _("Can approve SMS campaigns"))]

    def __str__(self):
        return self.title

    def fingerprint(self):
        """A hash of everything approval vouches for. Call on a saved campaign (it reads the many-to-many fields)."""
        data = {
            "phrase": self.phrase_id,
            "text": self.text,
            "link": self.link_page_id,
            "all": self.all_cadres,
            "posts": sorted(self.posts),
            "ranks": sorted(self.ranks),
            "timing": [
                self.timing,
                self.send_at and self.send_at.isoformat(),
                self.cron,
                self.holiday_days_before,
                self.holiday_send_time and self.holiday_send_time.isoformat(),
            ],
        }
        for name in ("departments", "groups", "exclude_departments", "exclude_groups", "exclude_cadres"):
            data[name] = sorted(getattr(self, name).values_list("pk", flat=True))
        if self.template_id:  # only then, so that campaigns approved before templates existed stay approved
            data["template"] = [self.template_id, self.template.text, self.template_params]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    @property
    def is_approved(self):
        return bool(self.approved_fingerprint) and self.approved_fingerprint == self.fingerprint()


class CampaignRun(models.Model):
    """One sending of a campaign: once for a one-off, once per occurrence for a recurring or holiday campaign."""

    class Status(models.TextChoices):
        BUILDING = "building", _("Building the recipient list")
        DISPATCHING = "dispatching", _("Sending")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="runs")
    # Identifies the occurrence ("once", "2026-09-30"...): the unique constraint makes a repeated trigger a no-op.
    occurrence = models.CharField(_("occurrence"), max_length=40)
    body = models.TextField(_("text sent"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BUILDING)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign run")
        verbose_name_plural = _("campaign runs")
        constraints = [models.UniqueConstraint(fields=["campaign", "occurrence"], name="one_run_per_occurrence")]

    def __str__(self):
        return f"{self.campaign} · {self.occurrence_label}"

    @property
    def occurrence_label(self):
        """A one-off run says so in words; recurring and holiday runs show their date."""
        # "once-2"...: sent again after an edit and a new approval (sms.scheduling.one_off_occurrence).
        return _("Single sending") if self.occurrence.split("-")[0] == "once" else self.occurrence


class Delivery(models.Model):
    """One recipient of one campaign run; the unit that is claimed, sent, retried and tracked exactly once."""

    run = models.ForeignKey(CampaignRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="deliveries")
    cadre = models.ForeignKey("directory.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+")
    phone = PhoneNumberField(_("phone"), region="CN")
    status = models.CharField(_("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    provider_id = models.CharField(_("provider message id"), max_length=64, null=True, blank=True, unique=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.CharField(_("error"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Set when a worker claims the row; a claim older than the lease is taken over (the worker died).
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    short_code = models.CharField(_("short link code"), max_length=12, null=True, blank=True, unique=True)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    first_clicked_at = models.DateTimeField(_("first clicked"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["run", "cadre"], name="one_delivery_per_run_and_cadre")]
        indexes = [models.Index(fields=["run", "status"]), models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.phone} {self.get_status_display()}"


class DailySendCount(models.Model):
    """Campaign messages per number per day, for the per-number cap (incremented when a delivery is claimed)."""

    phone = PhoneNumberField(region="CN")
    day = models.DateField()
    count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["phone", "day"], name="one_counter_per_phone_and_day")]

    def __str__(self):
        return f"{self.phone} {self.day} {self.count}"


class SubscriptionChange(models.Model):
    """Who opted a cadre in or out of integrity SMS, how and when."""

    class Source(models.TextChoices):
        SMS = "sms", _("SMS reply")
        APP = "app", _("Mobile app")
        ADMIN = "admin", pgettext_lazy("source", "Admin")
        IMPORT = "import", _("Import")

    cadre = models.ForeignKey("directory.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+")
    opted_in = models.BooleanField(_("subscribed"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscription change")
        verbose_name_plural = _("subscription changes")

    def __str__(self):
        return f"{self.cadre_id} {'+' if self.opted_in else '-'} {self.source}"


class OneTimeCode(models.Model):
    """A login code: only its hash is stored; valid for minutes and a few attempts."""

    phone = PhoneNumberField(_("phone"), region="CN", db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


# What a notice is for, by the start of its key (the calling platform's own scheme; the longest match wins). The
# list shows this word, never the internal key.
NOTICE_PURPOSES = (
    ("approvals.application:", pgettext_lazy("sms notice", "Application progress to the applicant")),
    ("complaints.reporter:", pgettext_lazy("sms notice", "Complaint progress to the reporter")),
    ("complaints.subscribe:", pgettext_lazy("sms notice", "Confirmation code for following a case")),
    ("complaints.follow:", pgettext_lazy("sms notice", "Update to a case's followers")),
    ("supervision.clock:", pgettext_lazy("sms notice", "Deadline alert to a handler")),
    ("study.task.", pgettext_lazy("sms notice", "Study task reminder")),
)


def notice_purpose(key: str) -> str:
    """A notice's purpose in the reader's language, from its key; "Other notice" for a key nobody named."""
    matches = [label for prefix, label in NOTICE_PURPOSES if key.startswith(prefix)]
    return str(matches[0]) if matches else pgettext("sms notice", "Other notice")


class Notice(models.Model):
    """A transactional SMS another app asked for (a status change, an alert): queued once per key, sent once.

    Apps call ``sms.notices.queue_notice`` inside their own transaction; the row commits or rolls back with the
    change it announces, and a second request with the same key finds this row instead of sending again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    phone = PhoneNumberField(_("phone"), region="CN")
    phone_digest = models.CharField(_("number (keyed hash)"), max_length=64, blank=True, db_index=True)
    cadre = models.ForeignKey(
        "directory.Cadre", verbose_name=_("cadre"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("text"))
    # The approved template and its values the text was rendered from: a template-only provider is sent these.
    template = models.ForeignKey(
        "sms.SmsTemplate",
        verbose_name=_("SMS template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    template_params = models.JSONField(_("template values"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Due for a (re)try when pending; the lease's start when sending, so a crashed worker's claim is taken back.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The gateway may have taken an earlier attempt (timeout, crash): ask it before sending again.
    uncertain = models.BooleanField(default=False)
    error = models.CharField(_("error"), max_length=200, blank=True)
    message = models.OneToOneField(
        Message, verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL, related_name="notice"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="sms_notice_due")]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return self.key

    @property
    def purpose(self) -> str:
        return notice_purpose(self.key)


class SendingHold(models.Model):
    """The provider refused to send for the whole account (balance exhausted, service stopped): sending waits.

    Campaign runs stop claiming until ``until`` (then one probe tells whether the account is back); the SMS
    operators are alerted once per hold. Rows are kept as the history of such stops.
    """

    gateway = models.CharField(_("gateway"), max_length=30)
    code = models.CharField(_("error code"), max_length=40)
    reason = models.CharField(_("reason"), max_length=200)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    until = models.DateTimeField(_("held until"))
    hits = models.PositiveIntegerField(_("refusals"), default=1)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("sending hold")
        verbose_name_plural = _("sending holds")

    def __str__(self):
        return f"{self.gateway} {self.code}"


from sms.models.templates import ReviewStatus, SignaturePurpose, SmsSignature, SmsTemplate  # noqa: E402

__all__ = [
    "FINAL_STATUSES",
    "STATUS_RANK",
    "Campaign",
    "CampaignRun",
    "DailySendCount",
    "Delivery",
    "DeliveryStatus",
    "Direction",
    "Message",
    "MessageKind",
    "Notice",
    "OneTimeCode",
    "ReviewStatus",
    "SendingHold",
    "SignaturePurpose",
    "SmsSignature",
    "SmsTemplate",
    "SubscriptionChange",
]
