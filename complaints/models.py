"""Complaints (投诉举报): the case, its stages, events, thread, notes, public updates and the sealed reporter.

Nothing here stores who the reporter is in the clear: a named reporter's name and phone live in ``Reporter``,
encrypted (complaints.crypto); the receipt is only a slow hash (complaints.receipts). No model has a field for an
IP address, a user agent or an uploaded file's original name.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.storage import private_storage


class Category(models.TextChoices):
    DEMANDING = "demanding", _("Eating, taking, obstructing and demanding favours")
    INACTION = "inaction", _("Inaction")
    ABUSE = "abuse", _("Arbitrary action")
    DELAY = "delay", _("Dragging feet")
    ILLEGAL_FEE = "illegal_fee", _("Illegal fees")
    BANQUETING = "banqueting", _("Banqueting on public funds")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Just received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted as a case")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    TRANSFERRED = "transferred", _("Transferred")
    INVESTIGATING = "investigating", _("Under investigation")
    CONCLUDED = "concluded", _("Concluded")
    CLOSED = "closed", _("Closed")


class Decision(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly_substantiated", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")


class Level(models.TextChoices):
    """The rank of the person reported (职级), as the national 12388 form asks."""

    ORDINARY = "ordinary", _("Ordinary staff")
    SECTION = "section", _("Section-level official")
    DIVISION = "division", _("Division-level official")
    BUREAU = "bureau", _("Bureau-level official or above")


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionDenied("Complaint records are never deleted; close a complaint with a reason instead.")


class NoDeleteModel(models.Model):
    """Complaint records are evidence: neither a row nor a queryset can be deleted through the ORM."""

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Complaint records are never deleted; close a complaint with a reason instead.")


class Complaint(NoDeleteModel):
    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    concerned_department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("department concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_about",
    )
    concerned_person = models.CharField(_("person concerned"), max_length=100, blank=True)
    concerned_post = models.CharField(_("post of the person concerned"), max_length=100, blank=True)
    concerned_level = models.CharField(
        _("level of the person concerned"), max_length=10, choices=Level.choices, blank=True
    )
    related_reference = models.CharField(
        _("approval tracking number"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("The tracking number of the approval application this complaint is about, if any."),
    )
    description = models.TextField(_("complaint description"))
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    decision = models.CharField(_("decision"), max_length=24, choices=Decision.choices, blank=True)
    outcome = models.TextField(_("outcome for the reporter"), blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    handling_department = models.ForeignKey(
        "directory.Department",
        verbose_name=_("handling department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )
    investigators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("investigators"), blank=True, related_name="complaints_assigned"
    )
    related = models.ManyToManyField("self", verbose_name=_("related complaints"), blank=True, symmetrical=True)
    # The receipt: only a per-receipt salt and an scrypt hash (receipts.py); found by the unique reference.
    receipt_salt = models.CharField(max_length=32, editable=False)
    receipt_hash = models.CharField(max_length=128, editable=False)
    public_title = models.CharField(
        _("public title"),
        max_length=120,
        blank=True,
        help_text=_("Shown on the public case page, redacted: no name of the reporter, no detail that points to them."),
    )
    is_public = models.BooleanField(_("public case page"), default=False)
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        default_permissions = ("view",)
        permissions = [
            ("handle_complaint", _("Can handle complaints")),
            ("view_complaint_statistics", _("Can view complaint statistics")),
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self):
        return self.reference

    @property
    def subject(self):
        return f"complaints.complaint:{self.pk}"

    @property
    def is_final(self):
        return self.status in (Status.CLOSED, Status.CONCLUDED, Status.NOT_ACCEPTED, Status.TRANSFERRED)


class Reporter(NoDeleteModel):
    """A named reporter's contact data, encrypted at rest (Fernet). Anonymous complaints have no row."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="reporter")
    name_encrypted = models.TextField()
    phone_encrypted = models.TextField()
    # A keyed digest of the phone (complaints.crypto.digest "reporter"): how 我的 finds the complaints filed under a
    # number its holder logged in with, without decrypting every row. Empty until backfilled from the ciphertext.
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"reporter of complaint {self.complaint_id}"  # never the name


class RevealRecord(NoDeleteModel):
    """Every time an investigator opened a named reporter's identity, and why. Supervisors read these."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="reveals"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity reveal")
        verbose_name_plural = _("identity reveals")
        ordering = ["-created_at"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.complaint_id} · {self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"


class OwnerRead(NoDeleteModel):
    """A named reporter read their complaint through 我的 (logged in by phone, no receipt): when, and where from.

    No address, no device: only the fact, so supervisors can see that someone holding the phone read the case."""

    class Channel(models.TextChoices):
        WEB = "web", pgettext_lazy("channel", "Website")
        APP = "app", _("Mobile app")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="owner_reads"
    )
    channel = models.CharField(_("channel"), max_length=4, choices=Channel.choices)
    read_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reporter's read")
        verbose_name_plural = _("reporter's reads")
        ordering = ["-read_at"]
        default_permissions = ()

    def __str__(self):
        return f"{self.complaint_id} · {self.channel} · {self.read_at:%Y-%m-%d %H:%M}"


class Stage(NoDeleteModel):
    """One stage of a complaint with a deadline; its pk names the supervision clock "complaints.stage:<pk>"."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="stages")
    status = models.CharField(max_length=20, choices=Status.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.complaint_id} {self.status} due {self.due_at:%Y-%m-%d}"

    @property
    def clock_key(self):
        return f"complaints.stage:{self.pk}"


class ComplaintEvent(NoDeleteModel):
    """The complaint's history (what staff and supervisors see); each row is also published as a DomainEvent."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"


class Attachment(NoDeleteModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    # A random name: the reporter's own file name ("张三-举报.pdf") could identify them.
    file = models.FileField(upload_to="complaints/%Y/%m/", storage=private_storage)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return self.file.name


class ThreadMessage(NoDeleteModel):
    """The anonymous conversation between the reporter (holding the receipt) and the investigators."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="messages")
    from_reporter = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.complaint_id} {'reporter' if self.from_reporter else 'investigator'} {self.created_at:%Y-%m-%d}"


class Note(NoDeleteModel):
    """Internal notes of the investigators; never shown to the reporter or the public."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.complaint_id} note {self.pk}"


class UpdateKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    INVESTIGATION = "investigation", _("Investigation and handling")
    RESULT = "result", _("Result")


class CaseUpdate(NoDeleteModel):
    """A redacted public update on the case page (立案, 查处, 结果)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(_("kind"), max_length=20, choices=UpdateKind.choices)
    body = models.TextField(_("update text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["published_at", "pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"


class Clarification(NoDeleteModel):
    """澄清正名: a public notice clearing an official of an unsubstantiated accusation, with their consent."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="clarification")
    official_name = models.CharField(_("official cleared"), max_length=50)
    official_post = models.CharField(_("official's post"), max_length=100)
    body = models.TextField(_("clarification text"))
    consent_note = models.TextField(
        _("consent"), help_text=_("How and when the official agreed to this notice (e.g. signed statement of ...).")
    )
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent_recorded_at = models.DateTimeField()
    published_at = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.complaint_id} {self.official_name}"


class Subscription(NoDeleteModel):
    """A citizen following a public case by SMS, confirmed with a code. The phone is encrypted like a reporter's:
    a reporter may follow their own case, and staff must not learn their number this way."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="subscriptions")
    phone_digest = models.CharField(max_length=64)
    phone_encrypted = models.TextField()
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    code_sent_count = models.PositiveSmallIntegerField(default=0)
    code_expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["complaint", "phone_digest"], name="complaints_sub_unique")]

    def __str__(self):
        return f"subscription {self.pk} to {self.complaint_id}"
