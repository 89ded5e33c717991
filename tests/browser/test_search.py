import datetime

from playwright.sync_api import expect

from tests.cms.factories import article, section, warning_case


def test_search_on_a_phone_finds_a_chinese_word_inside_a_case(site, page, screenshot):
    from cms.services import ensure_home_page

    home = ensure_home_page()
    cases = section(home)
    warning_case(
        cases,
        "某县交通局原局长王某挪用公款吃喝问题",
        body=["2023年至2024年，王某多次在私人会所挪用公款吃喝，并违规收受礼品礼金，造成恶劣影响。"],
        date=datetime.date(2024, 9, 12),
    )
    article(
        section(home, title="理论与实践", kind="theory"),
        "管好“小金库”，守住财经纪律",
        body=["少数单位把财政资金转入账外，设立小金库，公款私存，最终滑向违纪违法。"],
        date=datetime.date(2024, 10, 8),
    )

    page.goto(site.url + "/search/?q=公款")
    hits = page.locator(".search-hits li")
    expect(hits).to_have_count(2)
    expect(hits.first.locator("h2 mark")).to_have_text("公款")
    expect(hits.nth(1).locator("p mark")).to_have_text("公款")
    expect(page.locator("#search-q")).to_have_value("公款")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("search")
