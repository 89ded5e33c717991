"""Page-number pagination shared by every list query; page size capped so no query can ask for everything."""

import graphene
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 20


def clamp_page_size(size: int | None) -> int:
    if not size or size < 1:
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE)


class PageInfo(graphene.ObjectType):
    number = graphene.Int(required=True)
    num_pages = graphene.Int(required=True)
    total = graphene.Int(required=True)
    page_size = graphene.Int(required=True)
    has_next = graphene.Boolean(required=True)
    has_previous = graphene.Boolean(required=True)

    @classmethod
    def from_page(cls, page: Page) -> "PageInfo":
        paginator = page.paginator
        return cls(
            number=page.number,
            num_pages=paginator.num_pages,
            total=paginator.count,
            page_size=paginator.per_page,
            has_next=page.has_next(),
            has_previous=page.has_previous(),
        )


def page_of(paginator: Paginator, number: int | None) -> tuple[list, "PageInfo"]:
    """(items, PageInfo); a number past the end gives the last page, as Paginator.get_page does."""
    try:
        page = paginator.page(number)
    except (PageNotAnInteger, EmptyPage):
        page = paginator.page(paginator.num_pages if (number or 1) > 1 else 1)
    return list(page.object_list), PageInfo.from_page(page)
