"""Each education page type on a phone: readable Chinese, no sideways scrolling, and a screenshot to look at."""

import datetime

import pytest
from playwright.sync_api import expect
from wagtail.rich_text import RichText

from cms.models import HomeFeatured, SectionPage
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


@pytest.fixture
def pages(site):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    image = ImageFactory()
    regulation = RegulationFactory(title="中国共产党纪律处分条例")
    category = ViolationCategoryFactory(name="收受礼品礼金", slug="gifts")
    ViolationCategoryFactory(name="违规吃喝", slug="banquets")
    WarningPhraseFactory(text="廉洁自律，从拒绝第一杯酒开始。")
    cases = SectionPageFactory(parent=home, title="警示案例", slug="cases", intro="以案为鉴，警钟长鸣。")
    policy = SectionPageFactory(parent=home, title="政策解读", slug="policy", kind=SectionPage.Kind.POLICY)
    theory = SectionPageFactory(parent=home, title="理论实践", slug="theory", kind=SectionPage.Kind.THEORY)
    culture = SectionPageFactory(parent=home, title="廉政文化", slug="culture", kind=SectionPage.Kind.CULTURE)
    case = WarningCasePageFactory(
        parent=cases,
        title="青山县某镇原党委副书记张某违规收受购物卡问题",
        cover=image,
        categories=[category],
        regulations=[regulation],
        tags=["春节", "基层"],
        lessons="<p>节日是“四风”问题易发多发的节点，越是节日越要绷紧纪律之弦。</p>",
        body=[
            ("paragraph", RichText("<p>2025年春节前后，张某先后收受辖区内3家企业负责人所送购物卡共计1.2万元。</p>")),
            (
                "callout",
                {
                    "tone": "danger",
                    "title": "纪律红线",
                    "text": RichText("<p>严禁收受可能影响公正执行公务的礼品礼金。</p>"),
                },
            ),
            (
                "citation",
                {
                    "regulation": regulation,
                    "name": "",
                    "article": "第九十八条",
                    "text": "收受可能影响公正执行公务的礼品、礼金、消费卡（券）和有价证券……",
                },
            ),
            ("quote", {"text": "公生明，廉生威。", "source": "古训"}),
        ],
    )
    for day in range(1, 4):
        WarningCasePageFactory(parent=cases, date=datetime.date(2026, 10, day), cover=image)
    explainer = PolicyExplainerPageFactory(
        parent=policy, title="一图读懂中央八项规定精神", regulation=regulation, effective_date=datetime.date(2024, 1, 1)
    )
    article = ArticlePageFactory(parent=theory, title="以案促改 推动基层监督走深走实", source="清河日报", cover=image)
    work = CultureWorkPageFactory(parent=culture, title="书法：清正廉洁", work_kind="calligraphy", image=image)
    HomeFeatured.objects.create(home=home, page=case, sort_order=0)
    HomeFeatured.objects.create(home=home, page=article, sort_order=1)
    return {"case": case, "cases": cases, "explainer": explainer, "article": article, "work": work}


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_every_education_page_type_on_a_phone(site, page, pages, screenshot):
    page.goto(site.url + "/")
    expect(page.locator(".phrase")).to_contain_text("廉洁自律")
    expect(page.locator(".home-section h2", has_text="警示案例")).to_be_visible()
    _fits_the_phone(page)
    screenshot("education-home")

    page.goto(site.url + pages["cases"].url)
    page.click(".filters a:has-text('收受礼品礼金')")
    expect(page.locator(".card")).to_have_count(1)
    _fits_the_phone(page)
    screenshot("education-section")

    for name, expected in [
        ("case", "处理结果"),
        ("explainer", "问答"),
        ("article", "清河日报"),
        ("work", "书法"),
    ]:
        page.goto(site.url + pages[name].url)
        expect(page.locator("main")).to_contain_text(expected)
        _fits_the_phone(page)
        screenshot(f"education-{name}")
