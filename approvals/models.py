"""The service catalogue (审批事项) and the applications (办件) that run through it.

The state machine of an application lives in ``approvals.services`` (TRANSITIONS); this module holds the rows and
the invariants of one row. ``ApplicationEvent`` is the history of every transition, read by applicants (tracking)
and by electronic supervision (published as ``core.events.DomainEvent`` with the event row's pk as its id).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from approvals import rating_reasons
from approvals.catalogue import fit_problem
from approvals.rating_reasons import RatingRevisit, RatingVerdict  # noqa: F401 (imported from here too)
from core.storage import private_storage
from directory.models import Department


class Theme(models.TextChoices):
    BUSINESS = "business", _("Starting and running a business")
    CONSTRUCTION = "construction", _("Construction projects")
    LAND = "land", _("Land and planning")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment and social security")
    TRANSPORT = "transport", _("Transport")
    INVESTMENT = "investment", _("Investment projects")


class HandlingMode(models.TextChoices):
    ONLINE = "online", _("Fully online")
    WINDOW = "window", _("At a window")
    BOTH = "both", _("Online or at a window")


class ApprovalItem(models.Model):
    code = models.CharField(_("item code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="approval_items"
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    legal_basis = models.TextField(_("legal basis"))
    conditions = models.TextField(_("conditions"), help_text=_("One condition per line."))
    statutory_days = models.PositiveSmallIntegerField(_("statutory time limit (working days)"))
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    fee = models.DecimalField(_("fee (yuan)"), max_digits=10, decimal_places=2, default=0)
    fee_basis = models.TextField(_("legal basis of the fee"), blank=True)
    handling_mode = models.CharField(
        _("how it is handled"), max_length=10, choices=HandlingMode.choices, default=HandlingMode.BOTH
    )
    at_city_centre = models.BooleanField(_("handled at the city service centre"), default=True)
    township_centres = models.ManyToManyField(
        Department,
        verbose_name=_("township service centres it is delegated to"),
        blank=True,
        related_name="delegated_items",
        limit_choices_to={"kind": "service_centre"},
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def is_free(self):
        return self.fee == 0

    def condition_lines(self):
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]

    def clean(self):
        if self.pk is not None:
            problem = fit_problem(self.promised_days, self.steps.values_list("order", "working_days"))
            if problem:
                raise ValidationError({"promised_days": problem})


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", pgettext_lazy("material form", "Copy")
    BOTH = "both", _("Original and copy")


FORM_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods"]


class Material(models.Model):
    item = models.ForeignKey(ApprovalItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    form = models.CharField(_("original or copy"), max_length=10, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    required = models.BooleanField(pgettext_lazy("material", "required"), default=True)
    # Downloads for the applicant (空白表格 / 示范文本): public files, chosen by editors in the admin.
    blank_form = models.FileField(
        _("blank form"),
        upload_to="approvals/forms/",
        blank=True,
        validators=[FileExtensionValidator(FORM_EXTENSIONS)],
        help_text=_("The form to fill in, as PDF, Word or Excel."),
    )
    sample = models.FileField(
        _("filled example"),
        upload_to="approvals/samples/",
        blank=True,
        validators=[FileExtensionValidator(FORM_EXTENSIONS)],
        help_text=_("The same form filled in as an example, as PDF, Word or Excel."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["item", "sort_order", "pk"]

    def __str__(self):
        return self.name


class ItemStep(models.Model):
    """One stage of an item's procedure; with several departments it is a parallel joint review (并联审批)."""

    item = models.ForeignKey(ApprovalItem, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    working_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    role = models.CharField(_("handled by role"), max_length=40, default="department_handler")
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), related_name="item_steps")

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        ordering = ["item", "order"]
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="approvals_itemstep_order")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.item_id is None or self.order is None or self.working_days is None:
            return
        others = ItemStep.objects.filter(item_id=self.item_id).exclude(pk=self.pk)
        steps = [*others.values_list("order", "working_days"), (self.order, self.working_days)]
        if problem := fit_problem(self.item.promised_days, steps):
            raise ValidationError({"working_days": problem})


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    SUPPLEMENTING = "supplementing", _("Awaiting supplementary materials")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    IN_REVIEW = "in_review", _("Under review")
    APPROVED = "approved", pgettext_lazy("decision", "Approved")
    REFUSED = "refused", _("Refused")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Individual")
    COMPANY = "company", _("Company or organisation")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At a window")


def _upload_name(instance, filename):
    # Not guessable and not derived from the applicant's file name; the extension comes from the checked type.
    return f"approvals/{instance.application_id}/{secrets.token_urlsafe(24)}.{instance.extension}"


def _result_name(instance, filename):
    return f"approvals/results/{secrets.token_urlsafe(24)}.pdf"


class Application(models.Model):
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    # HMAC of the query code (config: SECRET_KEY); the code itself is shown once, to the applicant.
    code_hash = models.CharField(max_length=64, editable=False)
    item = models.ForeignKey(
        ApprovalItem, verbose_name=pgettext_lazy("approval", "item"), on_delete=models.PROTECT, related_name="+"
    )
    service_centre = models.ForeignKey(
        Department, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    # Bumped by every transition: a transition applies only to the version its actor saw (one winner).
    version = models.PositiveIntegerField(default=0)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    applicant_kind = models.CharField(_("applicant type"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_phone = PhoneNumberField(_("mobile phone"), region="CN")
    organisation_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    description = models.TextField(_("what is applied for"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)  # the promised limit, from acceptance
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)  # while awaiting supplements
    paused_from = models.CharField(max_length=20, blank=True, editable=False)  # the state to return to
    supplement_count = models.PositiveSmallIntegerField(default=0)
    flagged = models.BooleanField(_("flagged for supervision"), default=False)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    decision_basis = models.TextField(_("legal basis of the decision"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # When the case reached a final state (completed, not accepted or withdrawn): retention counts from here.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    result_document = models.FileField(
        _("result document"), upload_to=_result_name, storage=private_storage, blank=True
    )
    result_document_name = models.CharField(max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(pgettext_lazy("rating", "comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["service_centre", "state", "-submitted_at"], name="approvals_app_centre_queue"),
            models.Index(fields=["item", "state"], name="approvals_app_item_state"),
            # 我的办件: a citizen's applications, found by the phone they logged in with.
            models.Index(fields=["applicant_phone", "-submitted_at"], name="approvals_app_phone"),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def subject(self):
        return f"approvals.application:{self.pk}"

    @property
    def is_paused(self):
        return self.paused_at is not None


class StepKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Acceptance at the window")
    REVIEW = "review", _("Review")


class StepState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("approval step", "In progress")
    APPROVED = "approved", pgettext_lazy("decision", "Approved")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class ApplicationStep(models.Model):
    """One department's part of one stage of one application; the co-reviews of a parallel stage share ``order``."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    item_step = models.ForeignKey(ItemStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=StepKind.choices, default=StepKind.REVIEW)
    order = models.PositiveSmallIntegerField(default=0)  # 0 is acceptance
    name = models.CharField(_("step"), max_length=100)
    is_parallel = models.BooleanField(default=False)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="approval_steps"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_steps",
    )
    state = models.CharField(_("status"), max_length=12, choices=StepState.choices, default=StepState.ACTIVE)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(_("due"))
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["application", "order", "pk"]
        indexes = [
            # A department's work queue: its active steps, soonest due first.
            models.Index(fields=["department", "state", "due_at"], name="approvals_step_queue"),
        ]

    def __str__(self):
        return f"{self.name} · {self.department}"

    @property
    def clock_key(self):
        return f"approvals.step:{self.pk}"


class ApplicationEvent(models.Model):
    """One transition of an application, as it happened: what supervision audits and the applicant's history.

    Written once, never changed. ``kind`` is one of the documented event kinds (docs in approvals.services).
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    step = models.ForeignKey(ApplicationStep, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()  # to the second
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=100, blank=True)  # as at the time; "" for the applicant or system
    actor_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["occurred_at", "pk"]
        indexes = [
            models.Index(fields=["application", "occurred_at"], name="approvals_event_app_time"),
            models.Index(fields=["occurred_at"], name="approvals_event_time"),
            models.Index(fields=["kind", "occurred_at"], name="approvals_event_kind_time"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.application_id}"


class MaterialKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpg", "JPEG"
    PNG = "png", "PNG"
    DOCX = "docx", "Word"
    XLSX = "xlsx", "Excel"
    DOC = "doc", "Word 97-2003"
    XLS = "xls", "Excel 97-2003"


class SubmittedMaterial(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="submitted_materials")
    material = models.ForeignKey(Material, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=_upload_name, storage=private_storage)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=5, choices=MaterialKind.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    round = models.PositiveSmallIntegerField(default=0)  # 0 with the application, n with the n-th supplement
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submitted material")
        verbose_name_plural = _("submitted materials")
        ordering = ["application", "round", "pk"]

    def __str__(self):
        return self.original_name


class SupplementNotice(models.Model):
    """The one-time notice (一次性告知) of a supplement request: every missing material at once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplement_notices")
    number = models.PositiveSmallIntegerField()
    materials = models.JSONField(default=list)  # names of the materials asked for
    note = models.TextField(blank=True)
    justification = models.TextField(blank=True)  # required from the second request on
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    supplied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="approvals_supplement_number")]

    def __str__(self):
        return f"{self.application_id} #{self.number}"


class Rating(models.Model):
    """好差评: the applicant's rating of one finished step (its department's part) or, with no step, of the whole case.

    One per step and one per case (the two partial unique constraints); written by ``services.rate`` only.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="ratings")
    step = models.ForeignKey(
        ApplicationStep, null=True, blank=True, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("step")
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="approval_ratings"
    )
    stars = models.PositiveSmallIntegerField(_("rating"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)  # codes of approvals.rating_reasons
    is_bad = models.BooleanField(_("bad rating"), default=False)
    misconduct = models.BooleanField(_("alleges misconduct"), default=False)
    comment = models.TextField(pgettext_lazy("rating", "comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), db_index=True)
    # 差评整改回访: a bad rating is checked, put right and the applicant called back within ANSWER_WORKING_DAYS.
    answer_due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    verdict = models.CharField(_("finding of the check"), max_length=12, choices=RatingVerdict.choices, blank=True)
    rectification = models.TextField(_("what was put right"), blank=True)
    revisit = models.CharField(_("follow-up call"), max_length=16, choices=RatingRevisit.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "step"], condition=models.Q(step__isnull=False), name="approvals_rating_step"
            ),
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(step__isnull=True), name="approvals_rating_case"
            ),
        ]
        indexes = [models.Index(fields=["department", "-created_at"], name="approvals_rating_queue")]

    def __str__(self):
        return f"{self.application_id} · {self.step_id or '-'} · {self.stars}"

    def reason_labels(self):
        return rating_reasons.labels(self.reasons)

    @property
    def answer_overdue(self):
        return (
            self.is_bad
            and self.answered_at is None
            and self.answer_due_at is not None
            and (self.answer_due_at < timezone.now())
        )

    @property
    def stars_text(self):
        return rating_reasons.stars_text(self.stars)


class MonthlyFigures(models.Model):
    """One unit's figures for one month, as the public performance report (阳光政务) publishes them.

    Precomputed by ``approvals.performance.refresh`` (hourly for the current and last month, and on demand), so that
    the public page and its open data read a few hundred rows whatever the number of applications. ``department``
    empty is the city as a whole. Sums and counts are kept, rates are derived (see approvals.performance).
    """

    month = models.DateField()  # the first day of the local month
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    items = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    time_ratio_sum = models.FloatField(default=0)
    time_ratio_count = models.PositiveIntegerField(default=0)
    promised_days_sum = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    stars_sum = models.PositiveIntegerField(default=0)
    bad_ratings = models.PositiveIntegerField(default=0)
    bad_answered_on_time = models.PositiveIntegerField(default=0)  # of those, 整改回访 by their answer's due time
    complaints_received = models.PositiveIntegerField(default=0)
    complaints_substantiated = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["month", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department"],
                condition=models.Q(department__isnull=False),
                name="approvals_figures_unit_month",
            ),
            models.UniqueConstraint(
                fields=["month"], condition=models.Q(department__isnull=True), name="approvals_figures_city_month"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.department_id or 'city'}"
