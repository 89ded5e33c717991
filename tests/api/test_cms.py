import pytest

from tests.cms.factories import (
    ArticlePageFactory,
    ImageFactory,
    SectionPageFactory,
    WarningCasePageFactory,
    WarningPhraseFactory,
    publish_reviewed,
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


PAGE = """query($id: ID) { page(id: $id) { id title url
  ... on WarningCasePage { official lessons summary tags { name }
    body { blockType
      ... on RichTextBlock { value }
      ... on ImageBlock { caption
        image { url rendition(width: 640) { url } srcSet(sizes: [320, 640], format: "webp") } }
      ... on QuoteBlock { text source }
      ... on VideoBlock { caption video { url } poster { url } }
      ... on CalloutBlock { tone title calloutText: text }
      ... on QuestionAnswerBlock { question answer }
      ... on RegulationCitationBlock { regulationTitle article text }
    } } } }"""


def _case_with_every_block(home_page):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.rich_text import RichText

    from tests.cms.factories import RegulationFactory

    image = ImageFactory()
    regulation = RegulationFactory(title="中国共产党纪律处分条例")
    video = get_document_model().objects.create(title="警示片", file=ContentFile(b"\x00" * 16, name="film.mp4"))
    body = [
        ("paragraph", RichText("<p>正文段落：挪用公款吃喝的教训。</p>")),
        ("image", {"image": image, "caption": "图片说明文字"}),
        ("quote", {"text": "物必先腐，而后虫生。", "source": "苏轼"}),
        ("video", {"video": video, "poster": image, "caption": "警示教育片"}),
        ("callout", {"tone": "danger", "title": "红线提醒", "text": RichText("<p>严禁收受礼品礼金。</p>")}),
        ("qa", {"question": "能否收受土特产？", "answer": RichText("<p>不能。</p>")}),
        ("citation", {"regulation": regulation, "name": "", "article": "第九十八条", "text": "收受礼品。"}),
    ]
    section = SectionPageFactory(parent=home_page, slug="cases")
    return WarningCasePageFactory(parent=section, body=body, tags=["春节"], lessons="<p>小节不守</p>")


def test_page_query_returns_every_block(home_page, gql):
    case = _case_with_every_block(home_page)
    page = gql(PAGE, {"id": case.pk})["data"]["page"]
    assert page["official"] == case.official
    blocks = {block["blockType"]: block for block in page["body"]}
    assert set(blocks) == {
        "RichTextBlock",
        "ImageBlock",
        "QuoteBlock",
        "VideoBlock",
        "CalloutBlock",
        "QuestionAnswerBlock",
        "RegulationCitationBlock",
    }
    assert "挪用公款吃喝" in blocks["RichTextBlock"]["value"]
    assert blocks["ImageBlock"]["caption"] == "图片说明文字"
    assert ".webp 320w" in blocks["ImageBlock"]["image"]["srcSet"]
    assert blocks["ImageBlock"]["image"]["rendition"]["url"]
    assert blocks["QuoteBlock"] == {"blockType": "QuoteBlock", "text": "物必先腐，而后虫生。", "source": "苏轼"}
    assert blocks["VideoBlock"]["video"]["url"].endswith(".mp4")
    assert blocks["VideoBlock"]["poster"]["url"]
    assert blocks["CalloutBlock"]["tone"] == "danger" and "严禁" in blocks["CalloutBlock"]["calloutText"]
    assert blocks["QuestionAnswerBlock"]["question"] == "能否收受土特产？"
    assert blocks["RegulationCitationBlock"]["regulationTitle"] == "中国共产党纪律处分条例"
    assert page["tags"] == [{"name": "春节"}]


def test_a_rendition_outside_the_allowed_sizes_is_refused(home_page, gql):
    case = _case_with_every_block(home_page)
    query = "query($id: ID) { page(id: $id) { ... on WarningCasePage { cover { rendition(width: 1234) { url } } } } }"
    case.cover = ImageFactory()
    publish_reviewed(case)
    data = gql(query, {"id": case.pk})["data"]["page"]
    assert data["cover"]["rendition"] is None


def test_reading_a_page_as_a_cadre_records_a_read(home_page, gql, client, django_user_model):
    from cms.models import ReadRecord
    from tests.directory.factories import CadreFactory

    case = _case_with_every_block(home_page)
    gql("query($id: ID) { page(id: $id) { id } }", {"id": case.pk})
    assert not ReadRecord.objects.exists()  # anonymous
    user = django_user_model.objects.create_user("reader")
    cadre = CadreFactory(user=user)
    client.force_login(user)
    gql("query($id: ID) { page(id: $id) { id } }", {"id": case.pk})
    assert ReadRecord.objects.filter(cadre=cadre, page_id=case.pk).count() == 1


def test_search_returns_highlighted_hits(home_page, gql):
    from cms.search import rebuild_index

    section = SectionPageFactory(parent=home_page)
    ArticlePageFactory(parent=section, title="收受购物卡的教训", summary="购物卡不能收")
    rebuild_index()
    data = gql('{ search(query: "购物卡") { total hits { url titleHtml snippetHtml typeLabel } } }')["data"]
    assert data["search"]["total"] == 1
    hit = data["search"]["hits"][0]
    assert "<mark>购物卡</mark>" in hit["titleHtml"]
    assert hit["url"] and hit["typeLabel"]


def _count_queries(gql, query, variables=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gql(query, variables)  # warm Wagtail's site and content-type caches
    with CaptureQueriesContext(connection) as ctx:
        gql(query, variables)
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_the_list(home_page, gql):
    from tests.forum.factories import PostFactory, TopicFactory, make_board

    featured_home = home_page
    section = SectionPageFactory(parent=home_page, slug="list")
    board = make_board("论坛", slug="bbs")
    topic = TopicFactory(board=board)
    queries = {
        "home": (HOME, None),
        "section": ('{ section(slug: "list") { items { title url typeLabel cover { url } } } }', None),
        "board": ("query($id: ID!) { board(id: $id) { topics { title authorName } } }", {"id": board.pk}),
        "topic": ("query($id: ID!) { topic(id: $id) { posts { body authorName isMine } } }", {"id": topic.pk}),
    }

    def add(n):
        for _i in range(n):
            page = ArticlePageFactory(parent=section, cover=ImageFactory())
            featured_home.featured_items.create(page=page)
            TopicFactory(board=board)
            PostFactory(topic=topic)

    add(5)
    with_5 = {name: _count_queries(gql, *args) for name, args in queries.items()}
    add(15)  # 20: a full page of a section, a board and a topic
    with_20 = {name: _count_queries(gql, *args) for name, args in queries.items()}
    assert with_20 == with_5


def _every_block(copies):
    """`copies` of each block type, each with its own image, poster, video and regulation."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.rich_text import RichText

    from tests.cms.factories import RegulationFactory

    body = []
    for i in range(copies):
        image, poster = ImageFactory(), ImageFactory()
        video = get_document_model().objects.create(title=f"警示片{i}", file=ContentFile(b"\x00" * 16, name="f.mp4"))
        body += [
            ("paragraph", RichText(f"<p>第{i}段正文。</p>")),
            ("image", {"image": image, "caption": f"图{i}"}),
            ("quote", {"text": "物必先腐，而后虫生。", "source": "苏轼"}),
            ("video", {"video": video, "poster": poster, "caption": "警示教育片"}),
            ("callout", {"tone": "danger", "title": "红线", "text": RichText("<p>严禁收受礼金。</p>")}),
            ("qa", {"question": "能否收受土特产？", "answer": RichText("<p>不能。</p>")}),
            (
                "citation",
                {"regulation": RegulationFactory(title=f"条例{i}"), "name": "", "article": "第九条", "text": "…"},
            ),
        ]
    return body


def test_an_article_costs_the_same_queries_whatever_its_number_of_blocks(home_page, gql):
    """Cited regulations, images, posters, videos and every image's renditions load once per page, not per block;
    the renditions' cache is emptied first, so they come from the database (as on a cold server)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.images import get_image_model

    section = SectionPageFactory(parent=home_page, slug="cases")
    counts = {}
    for copies in (1, 5):
        case = WarningCasePageFactory(parent=section, body=_every_block(copies), tags=["春节"])
        gql(PAGE, {"id": case.pk})  # creates the renditions
        get_image_model().get_rendition_model().cache_backend.clear()
        with CaptureQueriesContext(connection) as queries:
            page = gql(PAGE, {"id": case.pk})["data"]["page"]
        assert len(page["body"]) == 7 * copies
        assert all(block["image"]["rendition"]["url"] for block in page["body"] if block["blockType"] == "ImageBlock")
        assert {b["regulationTitle"] for b in page["body"] if b.get("regulationTitle")} == {
            f"条例{i}" for i in range(copies)
        }
        counts[copies] = len(queries.captured_queries)
    assert counts[5] == counts[1], counts


def test_rich_text_blocks_are_expanded_as_wagtail_renders_them(home_page, gql):
    from wagtail.rich_text import RichText

    section = SectionPageFactory(parent=home_page, slug="cases")
    linked = WarningCasePageFactory(parent=section, title="被链接的案例")
    source = f'<p>见<a linktype="page" id="{linked.pk}">另一案例</a>。</p>'
    case = WarningCasePageFactory(parent=section, body=[("paragraph", RichText(source))])
    page = gql(PAGE, {"id": case.pk})["data"]["page"]
    assert page["body"][0]["value"] == RichText(source).__html__()
    assert f'href="{linked.url}"' in page["body"][0]["value"]


def test_page_by_id_finds_only_live_public_pages(home_page, gql, client):
    """`page(id:)` answers null for a draft, for a page in a private section or under a restricted page, and for the
    root; a restriction lifted makes the page reachable again. A GET query sets no CSRF cookie."""
    from wagtail.models import Page, PageViewRestriction

    query = "query($id: ID) { page(id: $id) { id title } }"
    private = SectionPageFactory(parent=home_page, title="内部学习", slug="internal")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    hidden = ArticlePageFactory(parent=private, title="内部文章")
    public = ArticlePageFactory(parent=home_page, title="公开文章")
    draft = ArticlePageFactory(parent=home_page, title="草稿")
    draft.unpublish()

    def found(page_id):
        return gql(query, {"id": page_id})["data"]["page"]

    assert found(public.pk) == {"id": str(public.pk), "title": "公开文章"}
    assert found(hidden.pk) is None and found(private.pk) is None and found(draft.pk) is None
    assert found(Page.get_first_root_node().pk) is None and found(987654) is None
    restriction = PageViewRestriction.objects.create(page=public, restriction_type=PageViewRestriction.PASSWORD)
    assert found(public.pk) is None
    restriction.delete()
    assert found(public.pk)["title"] == "公开文章"
    response = client.get("/graphql/", {"query": query, "variables": f'{{"id": {public.pk}}}'})
    assert response.json()["data"]["page"]["title"] == "公开文章" and "csrftoken" not in response.cookies
