"""The public page cache (core/pagecache.py): what is stored, for whom, under which key, and what purges it."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from approvals.models import ApprovalItem
from cms.models import ReadRecord, WarningPhrase
from complaints.models import CaseUpdate, Complaint
from core.pagecache import GENERATION_KEY
from tests.cms.factories import SectionPageFactory, WarningCasePageFactory
from tests.complaints.factories import file_complaint
from tests.directory.factories import CadreFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def case(home_page):
    return WarningCasePageFactory(parent=SectionPageFactory())


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a change schedules after its transaction (purges wait for the commit)."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


def state(response):
    return response.get("X-Page-Cache")


def test_a_second_anonymous_visit_is_a_hit_without_a_query(client, case, django_assert_num_queries):
    first = client.get(case.url)
    assert first.status_code == 200 and state(first) == "miss"
    with django_assert_num_queries(0):
        second = client.get(case.url)
    assert state(second) == "hit" and second.content == first.content
    assert case.title in second.content.decode()


def test_cached_pages_carry_no_cookie_no_csrf_token_and_vary_on_cookie(client, case):
    client.get(case.url)
    hit = client.get(case.url)
    assert state(hit) == "hit"
    assert not hit.cookies and "Set-Cookie" not in hit
    assert b"csrfmiddlewaretoken" not in hit.content
    assert "Cookie" in hit["Vary"]
    assert "max-age=0" in hit["Cache-Control"] and f"s-maxage={settings.PAGE_CACHE_SECONDS}" in hit["Cache-Control"]
    # The language menu is a GET form: switching sets the cookie and goes back.
    switched = client.get("/i18n/switch/", {"language": "en", "next": case.url})
    assert switched.status_code == 302 and switched["Location"] == case.url
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/i18n/switch/", {"language": "en", "next": "https://evil.example/"})["Location"] == "/"


def test_a_page_with_a_csrf_form_is_never_stored(client, home_page):
    complaint = file_complaint(DepartmentFactory())
    Complaint.objects.filter(pk=complaint.pk).update(is_public=True, public_title="关于某局干部的举报")
    url = f"/complaints/cases/{complaint.reference}/"
    plain = [client.get(url) for _ in range(2)]
    assert [state(r) for r in plain] == ["miss", "hit"] and b"csrfmiddlewaretoken" not in plain[1].content
    form = [client.get(url + "?follow=1") for _ in range(2)]
    assert [state(r) for r in form] == [None, None]
    assert b"csrfmiddlewaretoken" in form[1].content


def test_the_language_is_part_of_the_key(client, case):
    assert state(client.get(case.url)) == "miss"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(case.url)
    assert state(english) == "miss" and 'lang="en"' in english.content.decode()
    assert state(client.get(case.url)) == "hit"
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    chinese = client.get(case.url)
    assert state(chinese) == "hit" and 'lang="zh-hans"' in chinese.content.decode()


def test_the_query_string_is_part_of_the_key(client, home_page):
    assert state(client.get("/approvals/")) == "miss"
    assert state(client.get("/approvals/?theme=business")) == "miss"
    assert state(client.get("/approvals/?theme=business")) == "hit"


def test_a_logged_in_cadre_bypasses_the_cache_and_gets_the_reading_record(client, case, django_user_model):
    client.get(case.url)
    assert state(client.get(case.url)) == "hit"
    user = django_user_model.objects.create_user("reader")
    cadre = CadreFactory(user=user)
    client.force_login(user)
    mine = client.get(case.url)
    assert mine.status_code == 200 and state(mine) is None
    assert list(ReadRecord.objects.values_list("cadre", "page")) == [(cadre.pk, case.pk)]
    # What the cadre saw was not stored for the next anonymous visitor.
    client.logout()
    client.cookies.clear()
    anonymous = client.get(case.url)
    assert state(anonymous) == "hit" and anonymous.content == client.get(case.url).content


def test_admin_and_short_links_are_never_looked_up(client, home_page):
    assert state(client.get("/admin/login/")) is None
    assert state(client.get("/s/nope12")) is None


@pytest.mark.parametrize("change", ["publish", "unpublish", "move", "delete"])
def test_page_changes_purge(client, case, committed, change):
    other = SectionPageFactory()
    client.get(case.url)
    assert state(client.get(case.url)) == "hit"
    before = cache.get(GENERATION_KEY)
    if change == "publish":
        other.title = "新栏目"  # a section: warning cases go through review first
        committed(lambda: other.save_revision().publish())
    elif change == "unpublish":
        committed(case.unpublish)
    elif change == "move":
        committed(lambda: case.move(other, pos="last-child"))
    else:
        committed(case.delete)
    assert cache.get(GENERATION_KEY) != before
    after = client.get("/")
    assert state(after) == "miss"


def test_editing_the_phrase_of_the_day_shows_at_once(client, home_page, committed):
    phrase = WarningPhrase.objects.create(text="廉洁从政，从小事做起。")
    home = client.get("/")
    assert "廉洁从政，从小事做起。" in home.content.decode()
    assert state(client.get("/")) == "hit"
    phrase.text = "清清白白做人，干干净净做事。"
    committed(phrase.save)
    fresh = client.get("/")
    assert state(fresh) == "miss" and "清清白白做人，干干净净做事。" in fresh.content.decode()


def test_catalogue_edits_purge(client, home_page, committed):
    department = DepartmentFactory()
    item = ApprovalItem.objects.create(
        code="QH-TEST-1", name="食品经营许可", department=department, theme="business", legal_basis="《食品安全法》",
        conditions="有经营场所", statutory_days=20, promised_days=10,
    )  # fmt: skip
    assert "食品经营许可" in client.get("/approvals/").content.decode()
    assert state(client.get("/approvals/")) == "hit"
    item.name = "食品经营许可（新办）"
    committed(item.save)
    fresh = client.get("/approvals/")
    assert state(fresh) == "miss" and "食品经营许可（新办）" in fresh.content.decode()


def test_case_updates_purge_and_private_complaints_do_not(client, home_page, committed, django_user_model):
    complaint = file_complaint(DepartmentFactory())
    Complaint.objects.filter(pk=complaint.pk).update(is_public=True, public_title="关于某局干部的举报")
    url = f"/complaints/cases/{complaint.reference}/"
    client.get(url)
    assert state(client.get(url)) == "hit"
    department = DepartmentFactory()
    before = cache.get(GENERATION_KEY)
    committed(lambda: file_complaint(department))  # not public: no page shows it
    assert cache.get(GENERATION_KEY) == before
    author = django_user_model.objects.create_user("investigator")
    committed(
        lambda: CaseUpdate.objects.create(
            complaint=complaint, kind="opened", body="已立案调查。", author=author, published_at=timezone.now()
        )
    )
    fresh = client.get(url)
    assert state(fresh) == "miss" and "已立案调查。" in fresh.content.decode()


def test_the_app_shell_is_cached(client, home_page):
    assert [state(client.get("/app/quizzes")) for _ in range(2)] == ["miss", "hit"]


def test_the_day_is_part_of_the_key(client, case, monkeypatch):
    client.get(case.url)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    assert state(client.get(case.url)) == "miss"


def test_forum_boards_are_rendered_every_time(client, home_page):
    from forum.models import ForumBoardPage

    board = home_page.add_child(instance=ForumBoardPage(title="廉政论坛", slug="forum-board"))
    assert [state(client.get(board.url)) for _ in range(2)] == [None, None]
