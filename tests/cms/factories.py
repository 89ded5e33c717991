"""Small helpers that build published pages under the default site's home page."""

import datetime
import itertools

from wagtail.rich_text import RichText

from cms.models import ArticlePage, SectionPage, WarningCasePage

_numbers = itertools.count(1)


def _slug(prefix):
    return f"{prefix}-{next(_numbers)}"


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def paragraphs(*texts):
    """A body StreamField value of rich-text paragraphs; each text is HTML."""
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


def section(home, title="警示案例", kind=SectionPage.Kind.WARNING_CASES):
    return publish(home, SectionPage(title=title, slug=_slug("section"), kind=kind))


def warning_case(parent, title, body=(), date=None, **fields):
    defaults = {
        "official": "某局原局长 张某",
        "official_post": "某局局长",
        "official_level": "division",
        "discipline": "开除党籍",
        "decided_on": datetime.date(2024, 5, 1),
    }
    page = WarningCasePage(
        title=title,
        slug=_slug("case"),
        body=paragraphs(*body),
        date=date or datetime.date(2024, 6, 1),
        **{**defaults, **fields},
    )
    return publish(parent, page)


def article(parent, title, body=(), date=None, **fields):
    page = ArticlePage(
        title=title, slug=_slug("article"), body=paragraphs(*body), date=date or datetime.date(2024, 6, 1), **fields
    )
    return publish(parent, page)
