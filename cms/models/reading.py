from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReadRecord(models.Model):
    """A cadre opened a page on a day: at most one row per cadre, page and day."""

    cadre = models.ForeignKey(
        "directory.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="reads"
    )
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(pgettext_lazy("date", "day"))
    read_at = models.DateTimeField(_("first read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("read record")
        verbose_name_plural = _("read records")
        constraints = [models.UniqueConstraint(fields=["cadre", "page", "day"], name="one_read_per_cadre_page_day")]
        indexes = [models.Index(fields=["day", "cadre"])]

    def __str__(self):
        return f"{self.cadre_id} {self.page_id} {self.day}"
