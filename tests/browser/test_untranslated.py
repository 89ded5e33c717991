"""No English on a zh-hans screen: the admin dashboard, every page of the admin menu (as the superuser and as
every role, each on its own work dashboard) and every page the home page links to. A missed gettext call, a label
made from an attribute name or a Wagtail word its own catalogue lacks shows up here as an English word."""

import json
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cms.models import HomeFeatured, HomePage
from directory.roles import ROLES, role_group, sync_roles
from tests.cms.factories import ArticlePageFactory, SectionPageFactory, WarningPhraseFactory, paragraphs
from tests.directory.factories import CadreFactory, DepartmentFactory

WORD = re.compile(r"\b[A-Za-z]{3,}\b")
# Proper names, units and abbreviations a Chinese reader meets as they are.
ALLOWED = {
    "Qingfeng",
    "Wagtail",
    "GraphQL",
    "SMS",
    "Twilio",
    "Aliyun",
    "XLSX",
    "CSV",
    "Excel",
    "URL",
    "API",
    "JSON",
    "English",  # the language switch names each language in itself
    "Root",  # the title Wagtail gives the root of the page tree
    "localhost",  # the default site's host name
}
# Data a fresh site holds in English: the page Wagtail's migrations create, which ours replaces (site history).
DATA = ["Welcome to your new Wagtail site!"]
# The words a list holds as data rather than as labels: identifiers (approvals.application:1), addresses, hashes.
IDENTIFIER = re.compile(r"[._:@/\\-]")
TEXT = """() => {
    // A time-zone list (hundreds of place names) is data; our own selects are short and stay in the check.
    document.querySelectorAll("select").forEach((s) => { if (s.options.length > 50) s.style.display = "none"; });
    return document.body.innerText;
}"""


def english(page):
    """The English words on the page as a person reads it (innerText: visible and screen-reader text)."""
    words, text = set(), page.evaluate(TEXT)
    for data in DATA:
        text = text.replace(data, "")
    for token in text.split():
        if not IDENTIFIER.search(token):
            words.update(word for word in WORD.findall(token) if word not in ALLOWED)
    return sorted(words)


def make_content():
    department = DepartmentFactory(code="D1", name="市纪委监委")
    CadreFactory(department=department, name="王芳")
    WarningPhraseFactory(text="廉洁从政，警钟长鸣")
    section = SectionPageFactory(title="工作动态", slug="dongtai")
    article = ArticlePageFactory(parent=section, title="召开廉政工作会议", slug="huiyi", body=paragraphs("会议要求。"))
    HomeFeatured.objects.create(home=HomePage.objects.get(), page=article, sort_order=0)

    from approvals.models import ApprovalItem, ItemStep, Material, MaterialForm, Theme

    item = ApprovalItem.objects.create(
        code="D1-001", name="食品经营许可", department=department, theme=Theme.BUSINESS, statutory_days=20,
        promised_days=5, fee=Decimal("0"),
    )  # fmt: skip
    Material.objects.create(item=item, name="申请书", form=MaterialForm.ORIGINAL, sort_order=1)
    Material.objects.create(item=item, name="营业执照", form=MaterialForm.COPY, required=False, sort_order=2)
    ItemStep.objects.create(item=item, order=1, name="审查", working_days=2).departments.add(department)
    return article


def log_in(page, site_url, username):
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(site_url + "/admin/")


def admin_menu_urls(page):
    """Every link of the sidebar, submenus included: Wagtail renders the menu from this JSON."""
    props = json.loads(page.locator("#wagtail-sidebar-props").text_content())
    urls = set()

    def walk(value):
        if isinstance(value, dict):
            url = value.get("url")
            if isinstance(url, str) and url.startswith("/admin/"):
                urls.add(url)
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(props)
    return sorted(urls - {"/admin/logout/"})


def english_on(page, site_url, urls):
    found = {}
    for url in urls:
        page.goto(site_url + url)
        if words := english(page):
            found[url] = words
    return found


def test_zh_hans_screens_show_no_english(site, page, screenshot):
    article = make_content()
    sync_roles()
    User = get_user_model()
    User.objects.create_superuser("管理员", "admin@example.cn", "secret-pass-1")
    for role in ROLES:
        # Chinese user names: a name shown in the sidebar is data, not a label to translate.
        person = User.objects.create_user(role.name, f"{role.code}@example.cn", "secret-pass-1", first_name=role.name)
        person.groups.add(role_group(role.code))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(site.url + "/")
    public = sorted(
        {
            href
            for href in page.eval_on_selector_all("a[href^='/']", "links => links.map((a) => a.getAttribute('href'))")
            if not href.startswith("/admin")
        }
    )
    assert "/dongtai/" in public and "/dongtai/huiyi/" in public
    # A news page's kind on the home page is 文章 (our "article" once read 条款, an article of a regulation).
    assert page.locator(".feature-kind").first.inner_text() == "文章"
    found = english_on(page, site.url, public)

    log_in(page, site.url, "管理员")
    screenshot("admin-dashboard-zh")
    urls = admin_menu_urls(page)
    assert len(urls) > 40 and "/admin/pages/" in urls and "/admin/supervision/" in urls
    # Beyond the menu: the page editor (our field labels beside Wagtail's) and the page explorer.
    editor_pages = [f"/admin/pages/{article.pk}/edit/", f"/admin/pages/{article.get_parent().pk}/"]
    found |= english_on(page, site.url, ["/admin/", *urls, *editor_pages])
    page.goto(site.url + editor_pages[0])
    expect(page.locator("label[for=id_summary]")).to_contain_text("摘要")  # once 结果, an import's result

    # Every role's own dashboard (its work panels) and the menu pages only it is shown.
    walked = set(urls)
    for role in ROLES:
        page.context.clear_cookies()
        log_in(page, site.url, role.name)
        role_urls = admin_menu_urls(page)
        role_only = ["/admin/", *sorted(set(role_urls) - walked)]
        walked |= set(role_urls)
        found |= {f"{url} ({role.code})": words for url, words in english_on(page, site.url, role_only).items()}

    assert found == {}, "English words on zh-hans screens:\n" + "\n".join(f"{u}: {w}" for u, w in found.items())
