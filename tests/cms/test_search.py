import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageViewRestriction

from cms import search
from cms.models import Regulation, SearchEntry, ViolationCategory, WarningCasePage
from tests.cms.factories import article, publish_reviewed, section, warning_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(home_page):
    return section(home_page)


@pytest.fixture
def articles(home_page):
    return section(home_page, title="理论与实践", kind="theory")


def zh(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


def plain_titles(query):
    return [entry.title for entry in search.search_entries(search.parse_query(query))]


def test_a_two_character_word_finds_the_case_whose_body_contains_it(cases):
    case = warning_case(cases, "某局原局长张某违规问题", body=["张某多次挪用公款吃喝，造成恶劣影响。"])
    results = search.search("公款")
    assert results.total == 1
    hit = results.hits[0]
    assert hit.url == case.url
    assert hit.label == WarningCasePage._meta.verbose_name
    assert "挪用<mark>公款</mark>吃喝" in hit.snippet
    assert hit.date == datetime.date(2024, 6, 1)


def test_page_text_holds_every_search_field_tags_and_related_snippet_names(cases):
    category = ViolationCategory.objects.create(name="违规吃喝", slug="chihe")
    regulation = Regulation.objects.create(title="中国共产党纪律处分条例", short_title="纪律处分条例")
    case = warning_case(
        cases,
        "案例一",
        body=["正文内容"],
        summary="摘要内容",
        lessons="<p>深刻<b>教训</b></p>",
        official="某镇原镇长 李某",
    )
    case.categories.set([category])
    case.regulations.set([regulation])
    case.tags.add("八项规定")
    publish_reviewed(case)
    text = search.page_text(case.specific)
    for part in [
        "案例一",
        "正文内容",
        "摘要内容",
        "深刻教训",
        "某镇原镇长 李某",
        "违规吃喝",
        "纪律处分条例",
        "八项规定",
    ]:
        assert part in text
    assert "<b>" not in text
    assert search.search("纪律处分条例").total == 1


def test_a_title_hit_ranks_above_a_newer_body_only_hit(cases, articles):
    article(articles, "谈谈作风建设", body=["要严防公车私用。"], date=datetime.date(2025, 1, 1))
    warning_case(cases, "公车私用典型案例", body=["某干部。"], date=datetime.date(2023, 1, 1))
    assert plain_titles("公车私用") == ["公车私用典型案例", "谈谈作风建设"]


def test_all_terms_in_the_title_rank_above_some_terms_in_the_title(cases):
    warning_case(cases, "公款吃喝问题", body=["某干部违规。"], date=datetime.date(2023, 1, 1))
    warning_case(cases, "公款旅游问题", body=["还有吃喝。"], date=datetime.date(2025, 1, 1))
    assert plain_titles("公款 吃喝") == ["公款吃喝问题", "公款旅游问题"]


def test_every_term_must_match(cases):
    warning_case(cases, "甲案", body=["挪用公款吃喝"])
    warning_case(cases, "乙案", body=["挪用公款炒股"])
    assert plain_titles("公款 吃喝") == ["甲案"]
    assert sorted(plain_titles("公款")) == sorted(["甲案", "乙案"])
    assert plain_titles("公款 吃喝 炒股") == []


def test_a_full_width_query_matches_half_width_text_and_the_other_way_round(cases):
    warning_case(cases, "abc 平台采购案", body=["涉及金额１２３万元"])
    assert plain_titles("ＡＢＣ") == ["abc 平台采购案"]
    assert plain_titles("123万") == ["abc 平台采购案"]
    warning_case(cases, "ＸＹＺ公司行贿案", body=["行贿金额（折合人民币）５０万元，情节严重"])
    hit = search.search("xyz 50万").hits[0]
    assert hit.title == "<mark>ＸＹＺ</mark>公司行贿案"
    # Indexed text is NFKC; Chinese punctuation is widened again for display.
    assert "行贿金额（折合人民币）<mark>50万</mark>元，情节严重" in hit.snippet


def test_the_snippet_highlights_every_term_and_escapes_the_text(cases, client):
    warning_case(
        cases,
        "<b>标题</b>里的公款",
        body=["前文" * 40 + "有人写了&lt;script&gt;alert(1)&lt;/script&gt;并挪用公款，公款去向不明。" + "后文" * 40],
    )
    hit = search.search("公款 alert").hits[0]
    assert hit.title == "&lt;b&gt;标题&lt;/b&gt;里的<mark>公款</mark>"
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in hit.snippet
    assert hit.snippet.count("<mark>公款</mark>") == 2
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert 70 <= len(search.normalise(hit.snippet.replace("<mark>", "").replace("</mark>", ""))) <= 120
    content = client.get(reverse("search"), {"q": "公款 alert"}).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;<mark>alert</mark>" in content


def test_unpublishing_removes_the_hit_and_republishing_brings_it_back(cases):
    case = warning_case(cases, "公款案", body=["挪用公款"])
    case.unpublish()
    assert search.search("公款").total == 0
    publish_reviewed(case)
    assert search.search("公款").total == 1


def test_deleting_a_page_removes_its_entry(cases):
    case = warning_case(cases, "公款案", body=["挪用公款"])
    case_id = case.pk
    case.delete()
    assert not SearchEntry.objects.filter(page_id=case_id).exists()
    assert search.search("公款").total == 0


def test_a_private_page_is_not_found(cases, home_page):
    private = section(home_page, title="内部学习")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    warning_case(private, "内部公款案", body=["挪用公款"])
    public = warning_case(cases, "公开公款案", body=["挪用公款"])
    assert plain_titles("公款") == ["公开公款案"]

    restriction = PageViewRestriction.objects.create(
        page=public, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert search.search("公款").total == 0
    restriction.delete()
    assert plain_titles("公款") == ["公开公款案"]


def test_a_page_moved_into_a_private_section_leaves_the_index(cases, home_page):
    private = section(home_page, title="内部学习")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    case = warning_case(cases, "公款案", body=["挪用公款"])
    case.move(private, pos="last-child")
    assert search.search("公款").total == 0
    case.refresh_from_db()
    cases.refresh_from_db()
    case.move(cases, pos="last-child")
    assert search.search("公款").total == 1


def test_only_our_pages_under_the_site_root_are_indexed(cases, home_page):
    warning_case(cases, "公款案", body=["挪用公款"])
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    indexed = set(SearchEntry.objects.values_list("page_id", flat=True))
    assert home_page.pk not in indexed
    assert home_page.get_parent().pk not in indexed
    assert cases.pk in indexed


def test_results_are_paginated_keeping_the_query(cases, client):
    for number in range(12):
        warning_case(cases, f"公款案{number:02d}", body=["挪用公款"], date=datetime.date(2024, 1, 1 + number))
    results = search.search("公款", page_number=2)
    assert results.total == 12 and len(results.hits) == 2
    assert results.page.number == 2
    assert search.search("公款", page_number="abc").page.number == 1
    past_the_end = search.search("公款", page_number=99)
    assert past_the_end.page.number == 2 and len(past_the_end.hits) == 2 and past_the_end.total == 12
    assert search.search("公款", page_number=2, page_size=20).page.number == 1
    content = client.get(reverse("search"), {"q": "公款"}).content.decode()
    assert "?q=%E5%85%AC%E6%AC%BE&amp;page=2" in content
    assert "<mark>公款</mark>案11" in content and "案00" not in content


def test_the_view_runs_a_fixed_number_of_queries_whatever_the_number_of_hits(cases, articles, client):
    def make(count):
        for number in range(count):
            parent, build = (cases, warning_case) if number % 2 else (articles, article)
            build(parent, f"公款问题{number}", body=["挪用公款"])

    url = reverse("search")
    make(5)
    client.get(url, {"q": "公款"})  # warms the content type and site caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"q": "公款"})
    assert response.content.decode().count("<li>") == 5
    make(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"q": "公款"})
    assert response.content.decode().count("<li>") == 10
    assert len(many) == len(few) <= 6


def test_an_empty_query_asks_for_words_and_searches_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("search"), {"q": "   "})
    assert response.status_code == 200
    assert zh("Type a word or two to search cases, policy explainers and articles.") in response.content.decode()
    assert search.search("").total == 0
    assert not [q for q in queries if "cms_searchentry" in q["sql"]]


def test_a_thousand_character_query_is_cut_to_five_terms_of_a_hundred_characters(cases, client):
    warning_case(cases, "公款案", body=["挪用公款"])
    long_query = "公款 " + "长" * 997
    terms = search.parse_query(long_query)
    assert terms == ["公款", "长" * 97]
    assert len(search.parse_query("a b c d e f g h")) == 5
    response = client.get(reverse("search"), {"q": long_query})
    assert response.status_code == 200
    assert search.search("公款 " * 400).total == 1


def test_no_results_are_said_so(cases, client):
    warning_case(cases, "公款案", body=["挪用公款"])
    content = client.get(reverse("search"), {"q": "红包"}).content.decode()
    assert zh("Nothing found for “%(query)s”. Try fewer or shorter words.") % {"query": "红包"} in content
    assert "<mark>" not in content


def test_rebuild_search_index_restores_entries_and_drops_stale_ones(cases, capsys):
    first = warning_case(cases, "公款案", body=["挪用公款"])
    warning_case(cases, "红包案", body=["收受红包"])
    SearchEntry.objects.filter(page_id=first.pk).delete()
    SearchEntry.objects.create(page_id=cases.get_parent().pk, title="stale", text="stale")
    call_command("rebuild_search_index")
    assert "3" in capsys.readouterr().out  # the section and two cases
    assert search.search("公款").total == 1
    assert search.search("stale").total == 0
    assert SearchEntry.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_trigram_indexes_exist_and_serve_icontains():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cms_searchentry'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"cms_searchentry_title_trgm", "cms_searchentry_text_trgm"} <= names
    sql, params = SearchEntry.objects.filter(text__icontains="挪用公款").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cms_searchentry_text_trgm" in plan
