# ruff: noqa: F811 - pytest fixtures imported from tests.approvals.conftest are named as parameters
"""无障碍 and 适老化: every public page and app screen passes axe-core, in 标准版 and in 长辈版; the 长辈版 switch.

axe-core comes with axe-playwright-python (a test dependency, never served to readers); it is injected with
page.evaluate, which the Content-Security-Policy does not govern. A page fails on any violation of impact "serious"
or "critical"; the failure lists each rule with the selectors of its nodes.

The public pages are found by crawling from the home page: every same-origin link that is not the admin, the app,
a file or a download, each path once (its first query string), so a page added later is checked without a list to
keep. The app screens are a list: the app draws them from GraphQL, there is nothing to crawl.
"""

import datetime
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.approvals.conftest import _media, city, item  # noqa: F401, F811
from tests.browser.conftest import app_login, wait_until
from tests.browser.test_journeys import _public_case

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = {"serious", "critical"}
SKIPPED = re.compile(
    r"^/(admin|app|static|media|documents|i18n|django-admin|graphql|api|healthz)(/|$)|\.(csv|json|pdf|xml|txt)$"
)
MAX_PAGES = 80
CADRE_PHONE = "13800138000"
FOOTER = {
    "sponsor": "中共清河市纪律检查委员会 清河市监察委员会",
    "site_code": "4399000012",
    "icp_number": "湘ICP备99000012号-1",
    "police_number": "湘公网安备43990002000012号",
    "address": "清河市清河区人民路1号",
    "postcode": "419900",
    "phone": "0736-12388",
    "email": "jjjc@qinghe.example",
}

axe = Axe()


def _content(city):
    """A bit of everything a reader meets: a case, an article, a quiz, a forum topic, an item, a public case."""
    from cms.models import SiteFooter
    from cms.services import ensure_home_page
    from forum.models import ModerationMode
    from quizzes.models import Question, QuestionKind, QuizMode, QuizPage
    from tests.cms.factories import WarningPhraseFactory, article, section, warning_case
    from tests.directory.factories import CadreFactory
    from tests.forum.factories import TopicFactory, UserFactory, make_board

    home = ensure_home_page()
    WarningPhraseFactory(text="清风正气，廉洁从政")
    case = warning_case(
        section(home),
        "某县交通局原局长王某挪用公款吃喝问题",
        body=["王某多次挪用公款吃喝。"],
        date=datetime.date(2024, 9, 12),
    )
    article(section(home, title="理论实践", kind="theory"), "如何过好廉洁关", body=["廉洁是干部的立身之本。"])
    Question.objects.create(
        kind=QuestionKind.TRUE_FALSE, text="公务接待可以安排高档菜肴。", options=["正确", "错误"], correct=[1]
    )
    home.add_child(instance=QuizPage(title="每日一答", slug="daily", mode=QuizMode.DAILY, question_count=1))
    quiz = QuizPage.objects.get()
    quiz.save_revision().publish()
    board = make_board("廉政论坛", ModerationMode.POST, slug="lianzheng")
    TopicFactory(board=board, title="学习体会交流", author=UserFactory(username="t", first_name="李秀英"))
    CadreFactory(name="王建国", phone="+86" + CADRE_PHONE, department=city.sjj)
    _public_case(city)
    footer = SiteFooter.for_site(home.get_site())
    for name, value in FOOTER.items():
        setattr(footer, name, value)
    footer.save()
    return {"case": case, "quiz": quiz}


def _serious(page):
    results = axe.run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def _describe(where, violations):
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:6])
        lines.append(f"{where}: [{v['impact']}] {v['id']} ({v['help']}): {targets}")
    return lines


def _check_both_modes(page, where):
    """axe in 标准版, then in 长辈版 switched on as a reader does (the page redraws, nothing reloads)."""
    found = _describe(f"{where} 标准版", _serious(page))
    page.evaluate("window.qfElder.set(true)")
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    found += _describe(f"{where} 长辈版", _serious(page))
    page.evaluate("window.qfElder.set(false)")
    return found


def _same_origin_links(page, origin):
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map((a) => a.href)")
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == origin and not SKIPPED.search(parts.path):
            yield parts.path, url


def test_every_public_page_reachable_from_home_passes_axe_in_both_modes(site, city, item, page):
    _content(city)
    origin = site.url
    # The home page links to no quiz page (the app does): the crawl starts there too.
    seen_paths = {"/", "/daily/"}
    queue = deque([origin + path for path in sorted(seen_paths)])
    found, visited = [], []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        response = page.goto(url)
        if response is None or response.status >= 400 or not page.url.startswith(origin):
            continue
        visited.append(url)
        wait_until(page, "window.qfElder !== undefined")
        found += _check_both_modes(page, url.removeprefix(origin))
        for path, link in _same_origin_links(page, origin):
            if path not in seen_paths:
                seen_paths.add(path)
                queue.append(link)
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
    # The crawl reached every platform and their pages, not just the home page.
    paths = [urlsplit(u).path for u in visited]
    for expected in ["/approvals/", "/approvals/items/", "/complaints/", "/lianzheng/", "/daily/", "/accounts/phone/"]:
        assert any(path.startswith(expected) for path in paths), (expected, paths)
    assert len(visited) >= 15, paths


def _app_screen(page, url):
    page.goto(url)
    expect(page.locator("#view .loading")).to_have_count(0, timeout=30000)
    page.wait_for_load_state("networkidle")
    wait_until(page, "window.qfElder !== undefined")


def test_every_app_screen_passes_axe_logged_out_and_as_a_cadre_in_both_modes(site, city, item, page):
    from complaints.models import Complaint

    content = _content(city)
    reference = Complaint.objects.get().reference
    app = site.url + "/app"
    logged_out = [
        "/",
        "/search?q=公款",
        "/forum",
        "/quizzes",
        f"/quizzes/{content['quiz'].id}",
        "/approvals",
        "/approvals/items/QH-SJJ-001",
        "/approvals/track",
        "/complaints",
        "/complaints/new",
        "/complaints/follow",
        f"/cases/{reference}",
        content["case"].url.rstrip("/"),
        "/me",  # logged out: the login screen
    ]
    found = []
    for path in logged_out:
        _app_screen(page, app + path)
        found += _check_both_modes(page, "/app" + path)
    app_login(page, site.url, CADRE_PHONE)
    for path in ["/me", "/me/points", "/me/tasks", "/me/ranking", f"/quizzes/{content['quiz'].id}"]:
        _app_screen(page, app + path)
        found += _check_both_modes(page, "/app" + path + " (干部)")
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)


def test_elder_mode_from_the_home_page_persists_on_the_next_page_and_the_footer_carries_the_records(
    site,
    city,
    item,
    page,
    screenshot,
):
    _content(city)
    page.goto(site.url + "/")
    toggle = page.locator(".site-header [data-elder-toggle]")
    expect(toggle).to_have_text("长辈版")
    screenshot("elder-home-standard")
    body_size = "parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)"
    assert page.evaluate(body_size) < 18
    toggle.click()
    expect(page.locator("html.elder")).to_have_count(1)
    expect(toggle).to_have_text("标准版")
    assert page.evaluate(body_size) >= 18
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("elder-home")

    page.locator(".platform.approval").click()
    expect(page).to_have_url(site.url + "/approvals/")
    expect(page.locator("html.elder")).to_have_count(1)  # remembered on the next page, before any script ran
    expect(page.locator(".site-header [data-elder-toggle]")).to_have_text("标准版")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    footer = page.locator("footer.site-footer")
    expect(footer).to_contain_text("主办单位：中共清河市纪律检查委员会 清河市监察委员会")
    expect(footer).to_contain_text("网站标识码：4399000012")
    expect(footer.get_by_role("link", name="湘ICP备99000012号-1")).to_have_attribute(
        "href", "https://beian.miit.gov.cn/"
    )
    police = footer.get_by_role("link", name="湘公网安备43990002000012号")
    expect(police).to_have_attribute("href", re.compile(r"beian\.mps\.gov\.cn.*code=43990002000012"))
    expect(footer).to_contain_text("电话：0736-12388")
    footer.scroll_into_view_if_needed()
    screenshot("elder-approvals")

    # The app shares the choice (one origin, one localStorage) and has the switch in its header.
    page.goto(site.url + "/")
    page.locator(".app-banner").click()
    expect(page).to_have_url(site.url + "/app/")
    expect(page.locator("html.elder")).to_have_count(1)
    app_toggle = page.locator(".bar [data-elder-toggle]")
    expect(app_toggle).to_have_text("标准版")
    expect(page.locator("#view .cards").first).to_be_visible()
    screenshot("elder-app-home")
    page.locator(".tabs a", has_text="我的").click()
    app_footer = page.locator("#app-footer")
    expect(app_footer).to_contain_text("主办单位：中共清河市纪律检查委员会 清河市监察委员会")
    expect(app_footer.get_by_role("link", name="湘ICP备99000012号-1")).to_be_visible()
    screenshot("elder-app-me")
    app_toggle.click()
    expect(page.locator("html.elder")).to_have_count(0)
    expect(app_toggle).to_have_text("长辈版")
    screenshot("app-me-footer")

    # Back on the site: 标准版 again.
    page.goto(site.url + "/complaints/")
    expect(page.locator("html.elder")).to_have_count(0)
    expect(page.locator(".site-header [data-elder-toggle]")).to_have_text("长辈版")
