"""SMS signatures (签名) and templates (模板) as data: synced from the provider, or written for console and Twilio.

A template's text has ``${name}`` variables; each variable has a type and a length limit (the provider's rules,
which ``sms.templating.validate_params`` applies before approval). Rendering the same template with the same
parameters gives the same text on every backend, so what an operator previews is what any gateway sends.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VARIABLE_RE = re.compile(r"\$\{(\w{1,32})\}")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("sms review", "In review")
    APPROVED = "approved", pgettext_lazy("sms review", "Approved")
    REJECTED = "rejected", pgettext_lazy("sms review", "Not approved")


class SignaturePurpose(models.TextChoices):
    CADRE_WARNING = "cadre_warning", _("Warnings to cadres")
    CITIZEN_NOTICE = "citizen_notice", _("Notices to citizens")
    VERIFICATION = "verification", _("Verification codes")


class SmsSignature(models.Model):
    """A registered signature, put in 【】 before the text; one per purpose is used."""

    name = models.CharField(_("signature"), max_length=20, unique=True, help_text=_("Without the 【】 brackets."))
    purpose = models.CharField(
        _("used for"), max_length=20, choices=SignaturePurpose.choices, default=SignaturePurpose.CADRE_WARNING
    )
    review_status = models.CharField(
        _("review status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.APPROVED
    )
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    from_provider = models.BooleanField(_("synced from the provider"), default=False, editable=False)
    synced_at = models.DateTimeField(_("synced"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["purpose", "name"]
        verbose_name = _("SMS signature")
        verbose_name_plural = _("SMS signatures")

    def __str__(self):
        return f"【{self.name}】"


class SmsTemplate(models.Model):
    class Kind(models.TextChoices):
        VERIFICATION = "code", pgettext_lazy("sms template", "Verification code")
        NOTICE = "notice", pgettext_lazy("sms template", "Notice")
        PROMOTION = "promotion", pgettext_lazy("sms template", "Promotion")

    code = models.CharField(
        _("template code"), max_length=40, unique=True, help_text=_("The provider's code, e.g. SMS_123456789.")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    text = models.TextField(_("template text"), help_text=_("Variables are written ${name}."))
    # [{"name": "name", "type": "name", "max_length": 10}, ...]: see sms.templating.VARIABLE_TYPES.
    variables = models.JSONField(_("variables"), default=list, blank=True)
    review_status = models.CharField(
        _("review status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.APPROVED
    )
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    from_provider = models.BooleanField(_("synced from the provider"), default=False, editable=False)
    # The provider no longer lists it: a campaign using it cannot be approved or sent.
    withdrawn = models.BooleanField(_("withdrawn by the provider"), default=False)
    synced_at = models.DateTimeField(_("synced"), null=True, blank=True, editable=False)
    # The system message this row is the template of (a key of sms.system_templates), blank for campaigns' own.
    purpose = models.CharField(max_length=60, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose"], condition=~models.Q(purpose=""), name="one_template_per_purpose"
            )
        ]
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def usable(self) -> bool:
        return self.review_status == ReviewStatus.APPROVED and not self.withdrawn

    def variable_names(self) -> list[str]:
        return list(dict.fromkeys(VARIABLE_RE.findall(self.text)))
