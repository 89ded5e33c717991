from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import to_python as to_phone_number
from phonenumbers import PhoneNumberType, number_type
from wagtail.models import Orderable

from core.storage import private_storage
from directory.error_codes import DirectoryErrorCode

PATH_SEPARATOR = "/"


class DepartmentKind(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County or district")
    TOWNSHIP = "township", _("Township or subdistrict")
    BUREAU = "bureau", _("Bureau")
    SERVICE_CENTRE = "service_centre", _("Service centre")


# Which kinds may sit directly under which: the tree of a prefecture-level city.
ALLOWED_PARENT_KINDS = {
    DepartmentKind.CITY: {None},
    DepartmentKind.COUNTY: {DepartmentKind.CITY},
    DepartmentKind.TOWNSHIP: {DepartmentKind.COUNTY},
    DepartmentKind.BUREAU: {DepartmentKind.CITY, DepartmentKind.COUNTY},
    DepartmentKind.SERVICE_CENTRE: {DepartmentKind.CITY, DepartmentKind.COUNTY, DepartmentKind.TOWNSHIP},
}


class DepartmentQuerySet(models.QuerySet):
    def subtree(self, department):
        """The department and everything below it."""
        return self.filter(path__startswith=department.path)


class Department(models.Model):
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9_-]+$", _("A code may contain only letters, digits, underscores and hyphens."))
        ],
        help_text=_("A stable code; cadre spreadsheets name the department by it."),
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("/QH/QH-LJ/") so a subtree is one indexed prefix query.
    path = models.CharField(max_length=600, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=1)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Where a citizen goes: filled in for service centres, shown on the approval item pages and in the app.
    address = models.CharField(pgettext_lazy("service centre", "address"), max_length=200, blank=True)
    phone = models.CharField(
        pgettext_lazy("service centre", "phone"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 -]{4,30}[0-9]$",
                _("Enter a phone number of digits, with an optional area code and hyphen, e.g. 0736-68210001."),
            )
        ],
        help_text=_("The enquiry line citizens may call, e.g. 0736-68210001."),
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=100,
        blank=True,
        help_text=_("A short text, e.g. 周一至周五 9:00-12:00，13:30-17:00. Public holidays are added by the site."),
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = None
        if self.pk:
            old_path = Department.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self.path = self.compute_path()
        self.depth = self.path.count(PATH_SEPARATOR) - 1
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moved or re-coded: rewrite every descendant's path in one statement.
                Department.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=models.F("depth") + (self.depth - old_path.count(PATH_SEPARATOR) + 1),
                )

    def clean(self):
        parent_kind = self.parent.kind if self.parent_id else None
        if self.kind and parent_kind not in ALLOWED_PARENT_KINDS[DepartmentKind(self.kind)]:
            raise ValidationError(
                {"parent": _("A %(kind)s cannot be placed under this parent.") % {"kind": self.get_kind_display()}}
            )
        if self.pk and self.parent_id:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError(
                        {"parent": _("A department cannot be placed under itself or one of its own sub-departments.")}
                    )
                ancestor = ancestor.parent

    @property
    def phone_uri(self) -> str:
        """The phone as a tel: link target: digits (and a leading +) only."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return f"tel:{'+' if self.phone.startswith('+') else ''}{digits}" if digits else ""

    def compute_path(self):
        prefix = self.parent.path if self.parent_id else PATH_SEPARATOR
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    def ancestors(self):
        codes = [code for code in self.path.split(PATH_SEPARATOR) if code][:-1]
        return Department.objects.filter(code__in=codes).order_by("depth")


MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def validate_mobile(value):
    """Cadres are reached by SMS, so their number must be a mobile one."""
    number = to_phone_number(value, region="CN")
    if number is not None and number.is_valid() and number_type(number) not in MOBILE_TYPES:
        raise ValidationError(
            _("Enter a mobile phone number: SMS cannot reach a landline."), code=DirectoryErrorCode.NOT_MOBILE
        )


class Rank(models.TextChoices):
    # The civil-service leadership posts (领导职务) and ranks (职级) in common use.
    STAFF = "staff", _("Staff member")
    DEPUTY_SECTION = "deputy_section", _("Deputy section level")
    SECTION = "section", _("Section level")
    DEPUTY_DIVISION = "deputy_division", _("Deputy division level")
    DIVISION = "division", _("Division level")
    DEPUTY_BUREAU = "deputy_bureau", _("Deputy bureau level")
    BUREAU = "bureau", _("Bureau level")


class Cadre(models.Model):
    name = models.CharField(_("name"), max_length=50)
    phone = PhoneNumberField(_("mobile phone"), unique=True, region="CN", validators=[validate_mobile])
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="cadres"
    )
    post = models.CharField(_("post"), max_length=100, blank=True)
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices, default=Rank.STAFF)
    is_party_member = models.BooleanField(_("party member"), default=True)
    sms_opt_in = models.BooleanField(_("receives integrity SMS"), default=True)
    sms_opt_in_changed_at = models.DateTimeField(
        _("SMS subscription changed at"), null=True, blank=True, editable=False
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["department__path", "name"]
        indexes = [models.Index(fields=["department", "sms_opt_in"])]

    def __str__(self):
        return f"{self.name}（{self.department}）" if self.department_id else self.name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded_sms_opt_in = self.sms_opt_in if self.pk else None

    def save(self, *args, **kwargs):
        if self.sms_opt_in != self._loaded_sms_opt_in:
            self.sms_opt_in_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "sms_opt_in" in update_fields:
                kwargs["update_fields"] = {*update_fields, "sms_opt_in_changed_at"}
        super().save(*args, **kwargs)
        self._loaded_sms_opt_in = self.sms_opt_in


class CadreGroup(ClusterableModel):
    """A named audience (SMS campaigns, quizzes); members are picked with the cadre chooser."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Cadre, verbose_name=_("members"), through="CadreGroupMembership", related_name="groups", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cadre group")
        verbose_name_plural = _("cadre groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CadreGroupMembership(Orderable):
    group = ParentalKey(CadreGroup, on_delete=models.CASCADE, related_name="memberships")
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="group_memberships"
    )

    class Meta(Orderable.Meta):
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [models.UniqueConstraint(fields=["group", "cadre"], name="unique_cadre_group_membership")]

    def __str__(self):
        return f"{self.group} · {self.cadre}"


class CadreImport(models.Model):
    """One uploaded spreadsheet: previewed first, applied only on confirmation."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Awaiting confirmation")
        APPLIED = "applied", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    # Names and phone numbers of cadres: private, like every upload only staff may read.
    file = models.FileField(_("file"), upload_to="imports/cadres/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("original file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    summary = models.JSONField(pgettext_lazy("import", "summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("cadre import")
        verbose_name_plural = _("cadre imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name
