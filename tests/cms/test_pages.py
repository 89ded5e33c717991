import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

from cms.blocks import RegulationCitationBlock, VideoBlock
from cms.models import ContentPage, HomeFeatured, SectionPage, WarningPhrase
from tests.cms.factories import (
    ArticlePageFactory,
    CultureWorkPageFactory,
    ImageFactory,
    PolicyExplainerPageFactory,
    RegulationFactory,
    SectionPageFactory,
    ViolationCategoryFactory,
    WarningCasePageFactory,
    WarningPhraseFactory,
)
from tests.directory.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def every_block(image, regulation):
    return [
        ("paragraph", RichText("<p>正文段落：挪用公款吃喝的教训。</p>")),
        ("image", {"image": image, "caption": "图片说明文字"}),
        ("quote", {"text": "物必先腐，而后虫生。", "source": "苏轼"}),
        ("callout", {"tone": "danger", "title": "红线提醒", "text": RichText("<p>严禁收受礼品礼金。</p>")}),
        ("qa", {"question": "能否收受土特产？", "answer": RichText("<p>不能。</p>")}),
        (
            "citation",
            {"regulation": regulation, "name": "", "article": "第九十八条", "text": "收受可能影响公正执行公务的礼品。"},
        ),
    ]


def test_every_page_type_renders_its_fields_and_every_block(client, home_page):
    image = ImageFactory()
    regulation = RegulationFactory(title="中国共产党纪律处分条例")
    cases = SectionPageFactory(title="警示案例", slug="cases")
    category = ViolationCategoryFactory(name="收受礼品礼金", slug="gifts")
    case = WarningCasePageFactory(
        parent=cases,
        cover=image,
        region=DepartmentFactory(name="清河市青山县"),
        categories=[category],
        regulations=[regulation],
        lessons="<p>小节不守，大节难保。</p>",
        body=every_block(image, regulation),
        tags=["春节"],
    )
    html = client.get(case.url).content.decode()
    for text in (
        "挪用公款吃喝",
        "图片说明文字",
        "物必先腐",
        "红线提醒",
        "能否收受土特产",
        "第九十八条",
        "中国共产党纪律处分条例",
        "清河市青山县",
        "收受礼品礼金",
        "党内严重警告",
        "小节不守",
        "#",
        "春节",
    ):
        assert text in html, text
    assert 'type="image/webp"' in html or ".webp" in html
    assert "srcset=" in html
    assert 'aria-label="面包屑导航"' in html

    policy = SectionPageFactory(title="政策解读", slug="policy", kind=SectionPage.Kind.POLICY)
    explainer = PolicyExplainerPageFactory(
        parent=policy, regulation=regulation, effective_date=datetime.date(2024, 1, 1)
    )
    html = client.get(explainer.url).content.decode()
    assert "可以接受管理服务对象宴请吗" in html and "第一条至第八条" in html and "2024年1月1日" in html

    article = ArticlePageFactory(parent=SectionPageFactory(kind=SectionPage.Kind.THEORY), source="清河日报")
    assert "清河日报" in client.get(article.url).content.decode()

    work = CultureWorkPageFactory(
        parent=SectionPageFactory(kind=SectionPage.Kind.CULTURE), work_kind="calligraphy", image=image
    )
    html = client.get(work.url).content.decode()
    assert "书法" in html and "王某" in html and "srcset=" in html


def test_a_case_page_shows_related_cases_from_its_section(client, home_page):
    cases = SectionPageFactory()
    first = WarningCasePageFactory(parent=cases, tags=["春节"])
    second = WarningCasePageFactory(parent=cases, tags=["春节"])
    html = client.get(first.url).content.decode()
    assert second.title in html


def test_section_pages_filter_by_tag_and_category_and_paginate(client, home_page):
    cases = SectionPageFactory()
    gifts = ViolationCategoryFactory(name="收受礼品礼金", slug="gifts")
    banquets = ViolationCategoryFactory(name="违规吃喝", slug="banquets")
    gift_case = WarningCasePageFactory(parent=cases, title="收卡案", categories=[gifts], tags=["春节"])
    banquet_case = WarningCasePageFactory(parent=cases, title="吃喝案", categories=[banquets])
    by_category = client.get(cases.url, {"category": "gifts"}).content.decode()
    assert gift_case.title in by_category and banquet_case.title not in by_category
    by_tag = client.get(cases.url, {"tag": "春节"}).content.decode()
    assert gift_case.title in by_tag and banquet_case.title not in by_tag

    for _ in range(11):
        WarningCasePageFactory(parent=cases)
    first = client.get(cases.url).content.decode()
    assert "第 1 / 2 页" in first and 'rel="next"' in first
    assert client.get(cases.url, {"page": "999"}).status_code == 200
    assert client.get(cases.url, {"page": "abc"}).status_code == 200


def test_drafts_and_private_pages_stay_out_of_lists(client, home_page):
    cases = SectionPageFactory()
    WarningCasePageFactory(parent=cases, title="已发布案例")
    WarningCasePageFactory(parent=cases, title="草稿案例", publish=False)
    html = client.get(cases.url).content.decode()
    assert "已发布案例" in html and "草稿案例" not in html
    assert "草稿案例" not in client.get("/").content.decode()


def _bulk_pages(section, count, image):
    for _ in range(count):
        ArticlePageFactory.build()  # sequences advance like real creation
        section.add_child(instance=ArticlePageFactory._meta.model(title="批量文章", live=True, cover=image))


def _queries(client, url):
    client.get(url)  # warm up: renditions are generated on first view
    cache.clear()  # measure the uncached path: cached fragments would hide a query per row
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_home_and_section_pages_take_a_fixed_number_of_queries(client, home_page):
    image = ImageFactory()
    sections = [SectionPageFactory(kind=kind) for kind in SectionPage.Kind.values]
    for section in sections:
        _bulk_pages(section, 2, image)
    WarningPhraseFactory()
    for position, page in enumerate(ContentPage.objects.all()[:3]):
        HomeFeatured.objects.create(home=home_page, page=page, sort_order=position)
    few_home, few_section = _queries(client, "/"), _queries(client, sections[0].url)

    for section in sections:
        _bulk_pages(section, 200 // len(sections), image)
    for position, page in enumerate(ContentPage.objects.all()[3:6], start=3):
        HomeFeatured.objects.create(home=home_page, page=page, sort_order=position)
    assert ContentPage.objects.count() >= 200
    assert _queries(client, "/") == few_home
    assert _queries(client, sections[0].url) == few_section


def test_home_page_shows_latest_of_each_section_featured_items_and_the_phrase_of_the_day(client, home_page):
    cases = SectionPageFactory(title="警示案例")
    notices = SectionPageFactory(title="通知公告", kind=SectionPage.Kind.NOTICES)
    old = WarningCasePageFactory(parent=cases, title="最早的案例", date=datetime.date(2020, 1, 1))
    newest = [WarningCasePageFactory(parent=cases, date=datetime.date(2026, 1, day)) for day in (1, 2, 3)]
    notice = ArticlePageFactory(parent=notices, title="关于开展廉政教育月的通知")
    HomeFeatured.objects.create(home=home_page, page=old, sort_order=0)
    phrase = WarningPhraseFactory(text="廉洁自律，从拒绝第一杯酒开始。")
    html = client.get("/").content.decode()
    assert all(page.title in html for page in newest) and notice.title in html
    assert html.count(old.title) == 1  # featured, but no longer among the section's latest three
    assert phrase.text in html


def test_the_phrase_of_the_day_is_the_same_all_day_and_changes_the_next(db):
    phrases = [WarningPhraseFactory() for _ in range(3)]
    WarningPhraseFactory(active=False)
    day = datetime.date(2026, 11, 25)
    assert WarningPhrase.objects.of_the_day(day) == WarningPhrase.objects.of_the_day(day)
    seen = {WarningPhrase.objects.of_the_day(day + datetime.timedelta(days=n)) for n in range(3)}
    assert seen == set(phrases)
    WarningPhrase.objects.all().delete()
    assert WarningPhrase.objects.of_the_day(day) is None


def test_a_video_block_refuses_a_file_that_is_not_a_video(db):
    from django.core.files.base import ContentFile

    document = get_document_model().objects.create(title="讲稿", file=ContentFile(b"%PDF-1.4", name="talk.pdf"))
    block = VideoBlock()
    with pytest.raises(Exception) as error:
        block.clean(block.to_python({"video": document.pk, "poster": None, "caption": ""}))
    assert "MP4" in str(error.value.block_errors["video"].messages)


def test_a_citation_needs_a_regulation_or_its_name(db):
    block = RegulationCitationBlock()
    with pytest.raises(Exception) as error:
        block.clean(block.to_python({"regulation": None, "name": "", "article": "第五条", "text": "条文"}))
    assert "name" in error.value.block_errors


def test_a_calligraphy_work_needs_its_image(home_page):
    from django.core.exceptions import ValidationError

    culture = SectionPageFactory(kind=SectionPage.Kind.CULTURE)
    with pytest.raises(ValidationError) as error:
        CultureWorkPageFactory(parent=culture, work_kind="calligraphy")
    assert "image" in error.value.message_dict


def test_pages_need_no_javascript_and_one_small_stylesheet(client, home_page):
    """Reading needs no script: the only ones are the 长辈版 switch's (its boot line and elder.js, whose button is
    hidden without JavaScript), and the only other stylesheet is the 长辈版 one."""
    import re

    from django.contrib.staticfiles import finders

    from config.csp import ELDER_BOOT

    case = WarningCasePageFactory(parent=SectionPageFactory())
    for url in ("/", case.get_parent().url, case.url):
        html = client.get(url).content.decode()
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
        assert scripts == [("", ELDER_BOOT), (' src="/static/js/elder.js" defer', "")], (url, scripts)
        assert re.findall(r'rel="stylesheet" href="([^"]+)"', html) == ["/static/css/site.css", "/static/css/elder.css"]
    assert len(open(finders.find("css/site.css"), "rb").read()) < 30 * 1024


def test_the_home_page_lists_are_cached_until_something_is_published(client, home_page):
    cases = SectionPageFactory()
    WarningCasePageFactory(parent=cases, title="第一篇案例")
    client.get("/")
    with CaptureQueriesContext(connection) as cached:
        assert "第一篇案例" in client.get("/").content.decode()
    cache.clear()
    with CaptureQueriesContext(connection) as uncached:
        client.get("/")
    assert len(cached.captured_queries) < len(uncached.captured_queries)

    WarningCasePageFactory(parent=cases, title="刚发布的案例")
    assert "刚发布的案例" in client.get("/").content.decode()
    newest = cases.get_children().live().last()
    newest.unpublish()
    assert "刚发布的案例" not in client.get("/").content.decode()
