import pytest

from tests.cms.factories import (
    ArticlePageFactory,
    ImageFactory,
    SectionPageFactory,
    WarningCasePageFactory,
    WarningPhraseFactory,
)

pytestmark = pytest.mark.django_db

HOME = """{ home { title phrase { text } featured { id title url typeLabel }
  sections { id title kind latest { id title url date typeLabel
    cover { url srcSet(sizes: [320, 640], format: "webp") } } } } }"""


def test_home_lists_sections_with_their_latest_cards(home_page, gql):
    WarningPhraseFactory(text="廉洁自律")
    section = SectionPageFactory(parent=home_page, title="警示案例")
    WarningCasePageFactory(parent=section, title="案例一", cover=ImageFactory())
    data = gql(HOME)["data"]["home"]
    assert data["phrase"]["text"] == "廉洁自律"
    assert data["sections"][0]["title"] == "警示案例"
    card = data["sections"][0]["latest"][0]
    assert card["title"] == "案例一"
    assert card["url"].endswith("/")
    assert ".webp 320w" in card["cover"]["srcSet"]


def test_section_is_paginated_and_capped(home_page, gql):
    section = SectionPageFactory(parent=home_page, slug="cases")
    for i in range(25):
        ArticlePageFactory(parent=section, title=f"文章{i}")
    query = """query($p: Int, $s: Int) { section(slug: "cases", page: $p, pageSize: $s) {
      items { title } pageInfo { number numPages total pageSize hasNext } } }"""
    data = gql(query, {"p": 1, "s": 500})["data"]["section"]
    assert data["pageInfo"] == {"number": 1, "numPages": 2, "total": 25, "pageSize": 20, "hasNext": True}
    assert len(data["items"]) == 20
    data = gql(query, {"p": 2, "s": 500})["data"]["section"]
    assert len(data["items"]) == 5
