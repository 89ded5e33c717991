"""Education content: home feed, sections, search. Pages themselves come from wagtail-grapple (`page`, `pages`)."""

import functools

import graphene
from django.core.paginator import Paginator
from django.db.models import Q
from grapple.types.images import get_image_type
from grapple.types.pages import PagesQuery
from wagtail.models import Site

from api.pagination import PageInfo, clamp_page_size, page_of
from cms import search as site_search
from cms.models import ContentPage, SectionPage, WarningPhrase
from cms.models.pages import LATEST_PER_SECTION, HomePage, attach_latest, with_covers
from cms.services import record_read

SEARCH_PAGE_SIZE = 10


class Phrase(graphene.ObjectType):
    text = graphene.String(required=True)
    source = graphene.String()


def _type_label(page):
    # specific_class reads the content type from Django's cache: no query per card.
    specific_class = page.specific_class
    return str(specific_class._meta.verbose_name) if specific_class else ""


class Card(graphene.ObjectType):
    """A content page as lists show it; the full page is `page(id: ...)`."""

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    url = graphene.String()
    url_path = graphene.String()
    date = graphene.Date()
    summary = graphene.String()
    type_label = graphene.String(required=True)
    cover = graphene.Field(get_image_type)

    @staticmethod
    def resolve_url(page, info):
        return page.get_url(info.context)

    @staticmethod
    def resolve_type_label(page, info):
        return _type_label(page)


class Section(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    slug = graphene.String(required=True)
    kind = graphene.String(required=True)
    intro = graphene.String()
    url = graphene.String()
    latest = graphene.List(graphene.NonNull(Card), required=True)

    @staticmethod
    def resolve_url(section, info):
        return section.get_url(info.context)

    @staticmethod
    def resolve_latest(section, info):
        return getattr(section, "latest", [])


class Home(graphene.ObjectType):
    title = graphene.String(required=True)
    intro = graphene.String()
    phrase = graphene.Field(Phrase, description="The warning phrase of the day.")
    featured = graphene.List(graphene.NonNull(Card), required=True)
    sections = graphene.List(graphene.NonNull(Section), required=True)


class SectionListing(graphene.ObjectType):
    section = graphene.Field(Section, required=True)
    items = graphene.List(graphene.NonNull(Card), required=True)
    page_info = graphene.Field(PageInfo, required=True)


class SearchHit(graphene.ObjectType):
    url = graphene.String()
    title_html = graphene.String(required=True, description="Escaped title with <mark> around the matches.")
    snippet_html = graphene.String(required=True, description="Escaped text around the first match, marked.")
    type_label = graphene.String(required=True)
    date = graphene.Date()


class SearchResults(graphene.ObjectType):
    query = graphene.String(required=True)
    total = graphene.Int(required=True)
    hits = graphene.List(graphene.NonNull(SearchHit), required=True)
    page_info = graphene.Field(PageInfo)


def _home(request):
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    root = site.root_page.specific if site else None
    return root if isinstance(root, HomePage) else HomePage.objects.live().first()


@functools.cache
def _grapple_pages():
    return PagesQuery()


class CmsQuery(graphene.ObjectType):
    home = graphene.Field(Home)
    section = graphene.Field(
        SectionListing,
        id=graphene.ID(),
        slug=graphene.String(),
        page=graphene.Int(default_value=1),
        page_size=graphene.Int(),
        tag=graphene.String(),
        category=graphene.String(description="A violation category's slug (warning cases)."),
    )
    search = graphene.Field(SearchResults, query=graphene.String(required=True), page=graphene.Int(default_value=1))

    @staticmethod
    def resolve_home(root, info):
        home = _home(info.context)
        if home is None:
            return None
        featured = with_covers(ContentPage.objects.live().public().filter(featured_on__home=home))
        sections = list(SectionPage.objects.child_of(home).live().public().order_by("path"))
        return Home(
            title=home.title,
            intro=home.intro,
            phrase=WarningPhrase.objects.of_the_day(),
            featured=list(featured.order_by("featured_on__sort_order")),
            sections=attach_latest(sections, LATEST_PER_SECTION),
        )

    @staticmethod
    def resolve_section(root, info, id=None, slug=None, page=1, page_size=None, tag=None, category=None):
        if not id and not slug:
            return None
        sections = SectionPage.objects.live().public()
        section = sections.filter(Q(pk=id) if id else Q(slug=slug)).first()
        if section is None:
            return None
        pages = ContentPage.objects.child_of(section).live().public()
        if tag:
            pages = pages.filter(tags__name=tag.strip())
        if category:
            pages = pages.filter(warningcasepage__categories__slug=category.strip())
        pages = with_covers(pages.order_by("-date", "-pk"))
        items, page_info = page_of(Paginator(pages, clamp_page_size(page_size)), page)
        return SectionListing(section=section, items=items, page_info=page_info)

    @staticmethod
    def resolve_search(root, info, query, page=1):
        results = site_search.search(query, page_number=page, page_size=SEARCH_PAGE_SIZE, request=info.context)
        page_info = PageInfo.from_page(results.page) if results.page is not None else None
        hits = [
            SearchHit(url=hit.url, title_html=hit.title, snippet_html=hit.snippet, type_label=hit.label, date=hit.date)
            for hit in results.hits
        ]
        return SearchResults(query=results.query, total=results.total, hits=hits, page_info=page_info)

    @staticmethod
    def resolve_page(root, info, **kwargs):
        """Grapple's `page`, plus a read record when a logged-in cadre opens a content page."""
        page = _grapple_pages().resolve_page(root, info, **kwargs)
        if page is not None and not kwargs.get("token"):  # a preview is not a read
            record_read(info.context.user, page)
        return page
