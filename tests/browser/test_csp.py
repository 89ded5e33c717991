"""The Content-Security-Policy, enforced, breaks nothing: site, app, complaint form, Wagtail admin and page editor.

Any violation reaches the test twice over: the browser's console message and the page's securitypolicyviolation
event. The public test ends by proving the listener catches a blocked inline script: a silent pass means none.
"""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.cms.factories import ImageFactory, WarningPhraseFactory, publish_reviewed, section, warning_case

REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}`);
});
"""


@pytest.fixture
def violations(page):
    seen = []
    page.expose_function("__cspViolation", lambda text: seen.append(text))
    page.add_init_script(REPORTER)
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    return seen


@pytest.fixture
def case(site):
    from cms.services import ensure_home_page

    home = ensure_home_page()
    WarningPhraseFactory(text="清风正气，廉洁从政")
    case = warning_case(section(home), "某县交通局原局长王某挪用公款吃喝问题", date=datetime.date(2024, 9, 12))
    case.cover = ImageFactory()
    case.body = [
        ("paragraph", "<p>王某多次挪用公款吃喝，造成恶劣影响。</p>"),
        ("image", {"image": ImageFactory(), "caption": "涉案会所"}),
    ]
    publish_reviewed(case)
    return case


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src" in response.headers["content-security-policy"], f"no enforced policy on {url}"
    page.wait_for_load_state("networkidle")
    return response


def test_public_site_app_and_complaint_form_run_under_the_policy(site, case, page, violations):
    visit(page, site.url + "/")
    page.select_option("#lang-select", "en")  # its onchange="" is admitted by its hash
    expect(page.locator("h1")).to_have_text("Let power run in the sunlight")
    page.select_option("#lang-select", "zh-hans")
    expect(page.locator("h1")).to_have_text("让权力在阳光下运行")

    visit(page, site.url + case.url)
    expect(page.locator("h1")).to_contain_text("王某挪用公款吃喝")

    # The complaint form's draft script carries the nonce.
    visit(page, site.url + "/complaints/new/")
    page.fill("#id_description", "草稿")
    page.reload()
    expect(page.locator("#id_description")).to_have_value("草稿")

    # The app: ES modules, manifest, service worker, GraphQL fetches, renditions.
    visit(page, site.url + "/app/")
    expect(page.locator("#view")).to_contain_text("某县交通局原局长王某挪用公款吃喝问题")
    wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.locator("#view a", has_text="某县交通局原局长王某挪用公款吃喝问题").first.click()
    expect(page.locator("#view")).to_contain_text("涉案会所")
    page.wait_for_load_state("networkidle")
    assert violations == []

    # The listener does catch a violation: an injected inline script is blocked and reported.
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                              document.body.append(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") is None
    assert any("script-src" in v for v in violations)


def test_admin_dashboard_and_page_editor_run_under_the_policy(site, case, page, violations, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.cn", "secret-pass-1")
    visit(page, site.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(site.url + "/admin/")
    page.wait_for_load_state("networkidle")

    visit(page, f"{site.url}/admin/pages/{case.pk}/edit/")
    expect(page.locator("#id_title")).to_have_value("某县交通局原局长王某挪用公款吃喝问题")
    # Inline panels, choosers, date widgets and the rich text editor: all of it scripted.
    page.locator("#id_title").fill("某县交通局原局长王某挪用公款吃喝问题（修订）")
    expect(page.locator("[data-draftail-editor], .Draftail-Editor").first).to_be_visible()
    visit(page, f"{site.url}/admin/pages/{case.get_parent().pk}/")
    visit(page, f"{site.url}/admin/images/")
    assert violations == []
