"""What Chinese government sites carry in their footer, edited in the admin under 设置 → 网站信息."""

import re
from urllib.parse import urlencode

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

ICP_URL = "https://beian.miit.gov.cn/"
POLICE_URL = "https://beian.mps.gov.cn/#/query/webSearch"

# 网站标识码: the 10 characters the State Council's general office gives each government website (e.g. 3700000001).
SITE_CODE = RegexValidator(r"^[0-9A-Z]{10}$", _("A website identification code is 10 digits or capital letters."))
# 公安备案号 as the record shows it: 京公网安备11010502030143号 — the digits are what the lookup needs.
POLICE_RECORD = RegexValidator(r"^\S*\d{14}\S*$", _("A public security record number contains its 14-digit code."))


@register_setting(icon="site", order=800)
class SiteFooter(BaseSiteSetting):
    sponsor = models.CharField(
        pgettext_lazy("site information", "sponsor"),
        max_length=100,
        blank=True,
        help_text=_("The body that owns the site."),
    )
    organiser = models.CharField(
        pgettext_lazy("site information", "organiser"),
        max_length=100,
        blank=True,
        help_text=_("The body that runs the site for its owner, if another one."),
    )
    site_code = models.CharField(_("website identification code"), max_length=10, blank=True, validators=[SITE_CODE])
    icp_number = models.CharField(
        _("ICP record number"),
        max_length=50,
        blank=True,
        help_text=_("As the MIIT record shows it, with the province's abbreviation and 号."),
    )
    police_number = models.CharField(
        _("public security record number"),
        max_length=50,
        blank=True,
        validators=[POLICE_RECORD],
        help_text=_("As the public security record shows it, with its 14-digit code."),
    )
    address = models.CharField(pgettext_lazy("site information", "address"), max_length=200, blank=True)
    postcode = models.CharField(
        pgettext_lazy("site information", "postcode"), max_length=6, blank=True, validators=[RegexValidator(r"^\d{6}$")]
    )
    phone = models.CharField(pgettext_lazy("site information", "telephone"), max_length=50, blank=True)
    email = models.EmailField(pgettext_lazy("site information", "email"), blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("sponsor"), FieldPanel("organiser")],
            heading=pgettext_lazy("site information", "Who runs the site"),
        ),
        MultiFieldPanel(
            [FieldPanel("site_code"), FieldPanel("icp_number"), FieldPanel("police_number")],
            heading=pgettext_lazy("site information", "Registrations"),
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("postcode"), FieldPanel("phone"), FieldPanel("email")],
            heading=pgettext_lazy("site information", "Contact"),
        ),
    ]

    class Meta:
        verbose_name = _("site information")
        verbose_name_plural = _("site information")

    @property
    def icp_url(self):
        return ICP_URL if self.icp_number else ""

    @property
    def police_code(self):
        found = re.search(r"\d{14}", self.police_number)
        return found.group() if found else ""

    @property
    def police_url(self):
        """The Ministry of Public Security's lookup of this record (the address every record holder must link)."""
        code = self.police_code
        return f"{POLICE_URL}?{urlencode({'code': code})}" if code else ""

    @property
    def is_empty(self):
        return not any(getattr(self, name) for name in ("sponsor", "site_code", "icp_number", "police_number"))
