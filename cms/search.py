"""Site search by substring over denormalised plain text, so that Chinese needs no word segmentation.

Each live, public page of ours has one SearchEntry holding its title and text, normalised with NFKC so
that full-width letters and digits match their half-width forms. A query's terms must all occur (AND),
matched with ``icontains``; on PostgreSQL trigram indexes (migration 0004) serve that lookup.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When, prefetch_related_objects
from django.db.models.expressions import Window
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modelcluster.fields import ParentalManyToManyField
from taggit.managers import TaggableManager
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from cms.models import SearchEntry

MAX_QUERY_LENGTH = 100
MAX_TERMS = 5
SNIPPET_LENGTH = 80
# How much text to show before the first match, so the reader sees what leads up to it.
SNIPPET_LEAD = 20
CHUNK_SIZE = 200
APP_LABEL = "cms"

_WHITESPACE = re.compile(r"\s+")


def normalise(text):
    """NFKC (full-width ＡＢＣ１ becomes ABC1) and single spaces."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()


# Indexing


def _field_text(page, name):
    try:
        model_field = page._meta.get_field(name)
    except Exception:  # a SearchField may name a method or property rather than a model field
        model_field = None
    value = getattr(page, name, None)
    if callable(value):
        value = value()
    if value is None or value == "":
        return []
    if isinstance(model_field, StreamField):
        return [str(part) for part in model_field.stream_block.get_searchable_content(value)]
    if isinstance(model_field, RichTextField):
        return [get_text_for_indexing(str(value))]
    return [str(value)]


def _related_names(page):
    names = []
    for model_field in page._meta.get_fields():
        if isinstance(model_field, ParentalManyToManyField | TaggableManager):
            names.extend(str(obj) for obj in getattr(page, model_field.name).all())
    return names


def page_text(page):
    """The plain text of a specific page: title, its class's search fields, tag names and related snippet names."""
    parts = [page.title]
    for search_field in type(page).get_search_fields():
        if isinstance(search_field, index.SearchField) and search_field.field_name != "title":
            parts.extend(_field_text(page, search_field.field_name))
    parts.extend(_related_names(page))
    return normalise(" ".join(part for part in parts if part))


def _site_root():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else None


def _indexable_pages(root):
    """Live, public pages of our own types under the default site's root."""
    return Page.objects.descendant_of(root).filter(content_type__app_label=APP_LABEL).live().public()


def _is_indexable(page, root):
    return (
        root is not None
        and page.live
        and page.specific_class is not None
        and page.specific_class._meta.app_label == APP_LABEL
        and page.is_descendant_of(root)
        and not page.get_view_restrictions().exists()
    )


def _entry(page):
    page = page.specific
    date = getattr(page, "date", None)
    return SearchEntry(page_id=page.pk, title=normalise(page.title)[:255], text=page_text(page), date=date)


def index_page(page):
    """Upsert the page's entry if it is live and public, remove it otherwise. Returns whether it is indexed."""
    if not _is_indexable(page, _site_root()):
        remove_page(page)
        return False
    entry = _entry(page)
    SearchEntry.objects.update_or_create(
        page_id=entry.page_id, defaults={"title": entry.title, "text": entry.text, "date": entry.date}
    )
    return True


def remove_page(page_or_id):
    page_id = getattr(page_or_id, "pk", page_or_id)
    SearchEntry.objects.filter(page_id=page_id).delete()


def _upsert(entries):
    SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["page"], update_fields=["title", "text", "date", "updated_at"]
    )


def _prefetch_related_names(pages):
    """One query per relation and page type instead of one per page."""
    by_class = {}
    for page in pages:
        by_class.setdefault(type(page), []).append(page)
    for cls, instances in by_class.items():
        names = [f.name for f in cls._meta.get_fields() if isinstance(f, ParentalManyToManyField | TaggableManager)]
        if names:
            prefetch_related_objects(instances, *names)


def _index_queryset(pages):
    count = 0
    ids = list(pages.values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = list(Page.objects.filter(pk__in=ids[start : start + CHUNK_SIZE]).specific())
        _prefetch_related_names(chunk)
        _upsert([_entry(page) for page in chunk])
        count += len(chunk)
    return count


def rebuild_index():
    """Re-index every live, public page of ours and drop every other entry. Returns the number indexed."""
    started = timezone.now()
    root = _site_root()
    count = _index_queryset(_indexable_pages(root)) if root else 0
    # Every entry written above carries a newer timestamp; what is older belongs to no indexable page.
    SearchEntry.objects.filter(updated_at__lt=started).delete()
    return count


def sync_subtree(page):
    """After a move or a change of view restrictions: index the subtree's pages that now qualify, drop the rest.

    Text does not depend on a page's place, so pages already indexed are left alone; that keeps a move cheap.
    """
    root = _site_root()
    subtree = Page.objects.descendant_of(page, inclusive=True)
    indexable = _indexable_pages(root).filter(pk__in=subtree.values("pk")) if root else Page.objects.none()
    with transaction.atomic():
        SearchEntry.objects.filter(page__in=subtree).exclude(page__in=indexable.values("pk")).delete()
        return _index_queryset(indexable.exclude(pk__in=SearchEntry.objects.values("page_id")))


# Searching


@dataclass
class SearchHit:
    url: str
    title: str  # safe HTML
    snippet: str  # safe HTML
    label: str
    date: object


@dataclass
class SearchResults:
    query: str
    terms: list
    total: int = 0
    page: object = None
    hits: list = field(default_factory=list)


# Control characters and lone surrogates separate terms: NUL in a term made PostgreSQL refuse the query (a 500).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def normalise_query(query):
    return normalise(_CONTROL.sub(" ", query or ""))[:MAX_QUERY_LENGTH]


def parse_query(query):
    """At most MAX_TERMS distinct terms from the first MAX_QUERY_LENGTH characters."""
    query = normalise_query(query)
    terms = []
    for term in query.split():
        if term.casefold() not in (t.casefold() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def _terms_pattern(terms):
    # Longest first, so that of two overlapping terms the longer one is marked.
    alternatives = sorted((re.escape(term) for term in terms), key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _spans(text, terms):
    """Where the terms occur in text, compared after NFKC, as (start, end) offsets into text itself."""
    normalised, origin = [], []
    for position, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char):
            normalised.append(piece)
            origin.append(position)
    last = 0
    for match in _terms_pattern(terms).finditer("".join(normalised)):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if start >= last:
            yield start, end
            last = end


def highlight(text, terms):
    """Escape text and wrap every occurrence of a term in <mark>; full-width text matches half-width terms."""
    out, last = [], 0
    for start, end in _spans(text, terms) if terms else ():
        out.append(escape(text[last:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


_CJK = "\u2018-\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_AFTER_CJK = re.compile(f"(?<=[{_CJK}])[,:;!?)]")
_BEFORE_CJK = re.compile(f"\\((?=[{_CJK}])")


def _widen(text):
    """Give Chinese text back the full-width punctuation that NFKC took away, one character for one."""
    text = _AFTER_CJK.sub(lambda match: chr(ord(match.group()) + 0xFEE0), text)
    return _BEFORE_CJK.sub("\uff08", text)


def snippet(text, terms, length=SNIPPET_LENGTH):
    """About `length` characters of indexed text around the first match of any term, highlighted and escaped."""
    first = next(_spans(text, terms), None) if terms else None
    start = max(0, first[0] - SNIPPET_LEAD) if first else 0
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    piece = highlight(_widen(text[start:end]), terms)
    return mark_safe(("…" if start > 0 else "") + piece + ("…" if end < len(text) else ""))


def _private_q():
    q = Q()
    for path in PageViewRestriction.objects.values_list("page__path", flat=True):
        q |= Q(page__path__startswith=path)
    return q


def search_entries(terms):
    """Entries matching every term, best first: all terms in the title, then some, then text only."""
    if not terms:
        return SearchEntry.objects.none()
    matches = Q()
    for term in terms:
        matches &= Q(title__icontains=term) | Q(text__icontains=term)
    title_all, title_any = Q(), Q()
    for term in terms:
        title_all &= Q(title__icontains=term)
        title_any |= Q(title__icontains=term)
    entries = SearchEntry.objects.filter(matches, page__live=True)
    private = _private_q()
    if private:
        # The index already leaves private pages out; this guards against a restriction added without a signal.
        entries = entries.exclude(private)
    return entries.annotate(
        rank=Case(
            When(title_all, then=Value(2)),
            When(title_any, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-rank", F("date").desc(nulls_last=True), "-pk")


def _body(title, text):
    # page_text starts with the title, which the hit already shows.
    return text.removeprefix(normalise(title)).lstrip()


MAX_PAGE_NUMBER = 10_000


def _result_page(entries, number, size):
    """A paginator page whose rows carry the total, so that matching runs once rather than once more to count."""
    try:
        # Capped: ?page=99999999999999999999 made an OFFSET no database column holds (SQLite "datatype mismatch",
        # a 500); any page past the last shows the last one anyway.
        number = min(max(1, int(number)), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        number = 1
    counted = entries.annotate(total=Window(Count("pk")))
    rows = list(counted[(number - 1) * size : number * size])
    if rows:
        total = rows[0].total
    else:
        total = entries.count() if number > 1 else 0
        if total:  # past the last page: show the last page, as Paginator.get_page does
            number = (total + size - 1) // size
            rows = list(counted[(number - 1) * size : number * size])
    paginator = Paginator(entries, size)
    paginator.count = total  # a cached_property: no COUNT query
    return DjangoPage(rows, number, paginator)


def search(query, page_number=1, page_size=10, request=None):
    """The page `page_number` of the hits for `query`, with highlighted titles and snippets."""
    terms = parse_query(query)
    results = SearchResults(query=normalise_query(query), terms=terms)
    if not terms:
        return results
    # The text is matched in the database but only read back for the hits shown: sorting every match with its
    # text made SQLite twice as slow.
    results.page = _result_page(search_entries(terms).only("page_id", "date"), page_number, page_size)
    results.total = results.page.paginator.count
    entries = results.page.object_list
    ids = [entry.page_id for entry in entries]
    texts = dict(SearchEntry.objects.filter(pk__in=ids).values_list("page_id", "text"))
    pages = Page.objects.filter(pk__in=ids).in_bulk()
    for entry in entries:
        page = pages.get(entry.page_id)
        if page is None:
            continue
        specific_class = page.specific_class
        results.hits.append(
            SearchHit(
                url=page.get_url(request),
                title=highlight(page.title, terms),
                snippet=snippet(_body(page.title, texts.get(entry.page_id, "")), terms),
                label=specific_class._meta.verbose_name if specific_class else "",
                date=entry.date,
            )
        )
    return results
