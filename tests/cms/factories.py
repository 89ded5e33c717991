"""Factories for the education pages: each page is added under its parent and, by default, published."""

import datetime
import io

import factory
from django.core.files.images import ImageFile
from factory.django import DjangoModelFactory
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.rich_text import RichText

from cms.models import (
    ArticlePage,
    CultureWorkPage,
    PolicyExplainerPage,
    Regulation,
    SectionPage,
    ViolationCategory,
    WarningCasePage,
    WarningPhrase,
)
from cms.services import approve_review, submit_for_review


class ImageFactory(DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"图片{n}")

    @factory.lazy_attribute
    def file(self):
        buffer = io.BytesIO()
        PillowImage.new("RGB", (640, 360), (183, 28, 28)).save(buffer, "JPEG")
        return ImageFile(buffer, name="cover.jpg")


class ViolationCategoryFactory(DjangoModelFactory):
    class Meta:
        model = ViolationCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"违规类别{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class RegulationFactory(DjangoModelFactory):
    class Meta:
        model = Regulation
        django_get_or_create = ("title",)

    title = factory.Sequence(lambda n: f"测试条例{n}")
    url = "https://www.ccdi.gov.cn/"


class WarningPhraseFactory(DjangoModelFactory):
    class Meta:
        model = WarningPhrase

    text = factory.Sequence(lambda n: f"廉洁自律第{n}条提醒")


class PageFactory(DjangoModelFactory):
    """Builds a page with `parent=` (default: the site's home page); `publish=False` leaves a draft."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"页面{n}")
    slug = factory.Sequence(lambda n: f"page-{n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, publish=True, **kwargs):
        parent = parent or Site.objects.get(is_default_site=True).root_page
        m2m = {name: kwargs.pop(name) for name in ("categories", "regulations", "tags") if name in kwargs}
        page = model_class(*args, live=False, **kwargs)
        parent.add_child(instance=page)
        for name, values in m2m.items():
            getattr(page, name).set(values)
        if getattr(model_class, "requires_review", False):
            # Four eyes: a reviewed page is written and submitted by an editor and goes live when a reviewer approves.
            if publish:
                publish_reviewed(page)
            else:
                page.save_revision(user=review_pair()[0])
            return page
        revision = page.save_revision()
        if publish:
            revision.publish()
            page.refresh_from_db()
        return page


def publish_reviewed(page):
    """Save the page's changes as an editor's revision, submit it and let a reviewer approve it: it goes live."""
    editor, reviewer = review_pair()
    page.save_revision(user=editor)
    submit_for_review(page, by=editor)
    approve_review(page, by=reviewer)
    page.refresh_from_db()
    return page


def review_pair():
    """An editor and a reviewer, made once per test, who write and approve the pages the factories publish."""
    from django.contrib.auth import get_user_model

    from directory.roles import role_group

    User = get_user_model()
    pair = []
    for username, role in (("factory-editor", "editor"), ("factory-reviewer", "reviewer")):
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.groups.add(role_group(role))
        pair.append(user)
    return pair


class SectionPageFactory(PageFactory):
    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"栏目{n}")
    kind = SectionPage.Kind.WARNING_CASES


class WarningCasePageFactory(PageFactory):
    class Meta:
        model = WarningCasePage

    title = factory.Sequence(lambda n: f"某局原副局长违规收受购物卡案{n}")
    summary = "逢年过节收受管理服务对象所送购物卡，受到严肃处理。"
    official = "某局原副局长 张某"
    official_post = "市某局副局长"
    official_level = "division"
    discipline = "党内严重警告、政务记过处分"
    decided_on = datetime.date(2026, 3, 1)
    body = [("paragraph", "<p>张某利用职务便利，挪用公款吃喝，收受礼品礼金。</p>")]


class PolicyExplainerPageFactory(PageFactory):
    class Meta:
        model = PolicyExplainerPage

    title = factory.Sequence(lambda n: f"八项规定精神解读{n}")
    articles = "第一条至第八条"
    questions = [("qa", {"question": "可以接受管理服务对象宴请吗？", "answer": "<p>不可以。</p>"})]


class ArticlePageFactory(PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"以案促改推动基层治理{n}")
    author = "清风评论员"


class CultureWorkPageFactory(PageFactory):
    class Meta:
        model = CultureWorkPage

    title = factory.Sequence(lambda n: f"清风颂{n}")
    work_kind = CultureWorkPage.Kind.POEM
    creator = "王某"


# Terse helpers for tests that care about text only (search): published pages with paragraph bodies.
def paragraphs(*texts):
    """A body StreamField value of rich-text paragraphs; each text is HTML."""
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


def section(home, title="警示案例", kind=SectionPage.Kind.WARNING_CASES):
    return SectionPageFactory(parent=home, title=title, kind=kind)


def warning_case(parent, title, body=(), date=None, **fields):
    defaults = {"official": "某局原局长 张某", "official_post": "某局局长", "discipline": "开除党籍", "summary": ""}
    return WarningCasePageFactory(
        parent=parent,
        title=title,
        body=paragraphs(*body),
        date=date or datetime.date(2024, 6, 1),
        decided_on=datetime.date(2024, 5, 1),
        **{**defaults, **fields},
    )


def article(parent, title, body=(), date=None, **fields):
    return ArticlePageFactory(
        parent=parent, title=title, body=paragraphs(*body), date=date or datetime.date(2024, 6, 1), **fields
    )
