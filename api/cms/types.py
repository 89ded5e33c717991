import graphene
from grapple.registry import registry as grapple_registry
from grapple.settings import grapple_settings
from grapple.types import rich_text as grapple_rich_text
from grapple.types import streamfield as grapple_streamfield
from grapple.types.images import get_image_type
from grapple.types.interfaces import StreamFieldInterface
from wagtail import blocks
from wagtail.rich_text import RichText as WagtailRichText
from wagtail.rich_text import expand_db_html

from api.core.pagination import PageInfo


class Phrase(graphene.ObjectType):
    text = graphene.String(required=True)
    source = graphene.String()


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
        # specific_class reads the content type from Django's cache: no query per card.
        specific_class = page.specific_class
        return str(specific_class._meta.verbose_name) if specific_class else ""


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


class RichTextBlock(grapple_streamfield.RichTextBlock):
    """Grapple's RichTextBlock, answered with the expanded HTML straight away.

    Wagtail's `RichText.__html__` renders a template whose only content is `{{ html|safe }}` around
    `expand_db_html`: one template render per paragraph was a tenth of an article's CPU time. The output is the
    same string; the type keeps grapple's name, so documents the app ships do not change.
    """

    class Meta:
        name = "RichTextBlock"
        interfaces = (StreamFieldInterface,)

    def resolve_value(self, info, **kwargs):
        return expand_db_html(self.value.source)


_grapple_coerce_rich_text = grapple_rich_text.RichText.coerce_rich_text


def coerce_rich_text(value):
    """Grapple's RichText scalar (a struct block's rich text field, a RichTextField), without the template render
    around expand_db_html that Wagtail's RichText.__html__ does: the same string."""
    if grapple_settings.RICHTEXT_FORMAT != "html":
        return _grapple_coerce_rich_text(value)
    return expand_db_html(value.source if isinstance(value, WagtailRichText) else value)


def use_expanded_rich_text() -> None:
    """Make grapple answer rich text blocks with RichTextBlock above, and its RichText scalar with
    coerce_rich_text. Called before the schema is built (graphene reads a scalar's serialize then)."""
    grapple_registry.streamfield_blocks[blocks.RichTextBlock] = RichTextBlock
    grapple_rich_text.RichText.serialize = staticmethod(coerce_rich_text)


class SiteInfo(graphene.ObjectType):
    """What the site's footer carries (主办单位, 网站标识码, ICP and public security records, contact)."""

    sponsor = graphene.String(required=True)
    organiser = graphene.String(required=True)
    site_code = graphene.String(required=True)
    icp_number = graphene.String(required=True)
    icp_url = graphene.String(required=True)
    police_number = graphene.String(required=True)
    police_url = graphene.String(required=True)
    address = graphene.String(required=True)
    postcode = graphene.String(required=True)
    phone = graphene.String(required=True)
    email = graphene.String(required=True)
