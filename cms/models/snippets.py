"""Editorial taxonomies and short texts managed as Wagtail snippets."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

# A UCS-2 SMS holds 70 characters in one segment; the signature takes about ten of them.
PHRASE_MAX_LENGTH = 60


class ViolationCategory(index.Indexed, models.Model):
    """A kind of misconduct (违规吃喝, 收受礼品礼金 ...) used to file warning cases."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("violation category")
        verbose_name_plural = _("violation categories")

    def __str__(self):
        return self.name


class Regulation(index.Indexed, models.Model):
    """A party regulation or law cited by cases, explainers and quiz questions."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    short_title = models.CharField(_("short title"), max_length=50, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    url = models.URLField(_("official text"), blank=True)
    summary = models.TextField(_("summary"), blank=True)

    search_fields = [index.SearchField("title"), index.SearchField("short_title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")

    def __str__(self):
        return self.short_title or self.title


class WarningPhraseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def of_the_day(self, day=None):
        """The same phrase for everyone on a given day, cycling through the active phrases."""
        day = day or datetime.date.today()
        phrases = self.active().order_by("pk")
        count = phrases.count()
        return phrases[day.toordinal() % count] if count else None


class WarningPhrase(index.Indexed, models.Model):
    """A short warning text (警示语) shown on the home page and pushed to cadres by SMS."""

    text = models.CharField(
        _("text"),
        max_length=PHRASE_MAX_LENGTH,
        unique=True,
        help_text=_("At most 60 characters, so that it fits one text message with the signature."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = WarningPhraseQuerySet.as_manager()

    search_fields = [index.SearchField("text"), index.FilterField("active")]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("warning phrase")
        verbose_name_plural = _("warning phrases")

    def __str__(self):
        return self.text
