from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The plain text of one live page, matched by substring so that Chinese needs no word segmentation."""

    page = models.OneToOneField(
        "wagtailcore.Page", verbose_name=_("page"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text"))
    date = models.DateField(_("date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return self.title
