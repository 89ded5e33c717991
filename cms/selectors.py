"""Read-only queries of education content for the API and the app: home feed, sections, reading history."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from wagtail.models import Site

from cms.models import ContentPage, ReadRecord, SectionPage, SiteFooter
from cms.models.pages import CARD_FIELDS, LATEST_PER_SECTION, HomePage, attach_latest, with_covers


def home_for(request) -> HomePage | None:
    """The home page of the request's site, else the first live one."""
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    root = site.root_page.specific if site else None
    return root if isinstance(root, HomePage) else HomePage.objects.live().first()


def site_footer(request) -> SiteFooter | None:
    """The footer information of the request's site (设置 → 网站信息), else the default site's."""
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    # A read, never a write: Wagtail's for_site() would create the row on a visitor's GET.
    return SiteFooter.objects.filter(site=site).first() if site else None


def featured_pages(home: HomePage) -> QuerySet:
    return (
        with_covers(ContentPage.objects.live().public().filter(featured_on__home=home))
        .order_by("featured_on__sort_order")
        .only(*CARD_FIELDS)
    )


def sections_of(home: HomePage) -> list[SectionPage]:
    """The home page's sections, each with its `latest` pages (one query for all of them)."""
    return attach_latest(list(SectionPage.objects.child_of(home).live().public().order_by("path")), LATEST_PER_SECTION)


def section_by(pk=None, slug=None) -> SectionPage | None:
    if not pk and not slug:
        return None
    return SectionPage.objects.live().public().filter(Q(pk=pk) if pk else Q(slug=slug)).first()


def section_pages(section: SectionPage, tag: str | None = None, category: str | None = None) -> QuerySet:
    """A section's live public pages, newest first, optionally by tag or by violation category's slug."""
    pages = ContentPage.objects.child_of(section).live().public()
    if tag:
        pages = pages.filter(tags__name=tag.strip())
    if category:
        pages = pages.filter(warningcasepage__categories__slug=category.strip())
    return with_covers(pages.order_by("-date", "-pk"))


def reading_history(cadre) -> QuerySet:
    """The cadre's read records, newest first, each with its page; none for a user who is not a cadre."""
    records = ReadRecord.objects.none() if cadre is None else cadre.reads.select_related("page")
    return records.order_by("-read_at", "-pk")


def reads_per_day(cadre, days: int) -> list[dict]:
    """[{"day", "reads"}] for the last `days` days that have reads, oldest first."""
    if cadre is None:
        return []
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = cadre.reads.filter(day__gte=since).values("day").annotate(reads=Count("pk")).order_by("day")
    return [{"day": row["day"], "reads": row["reads"]} for row in rows]
