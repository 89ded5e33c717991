"""Demo content of the education site: snippets, the six sections, 44 pages, their pictures and two pages in review.

The texts live in demo_content.toml (Chinese data, not code); the pictures are drawn by demo_images. Loading follows
the directory's rules: what exists (matched by slug, name, title or text) is left as it is, so a second run creates
nothing, adds no revision, and an editor's changes to a demo page survive.
"""

import datetime
import hashlib
import io
import time
import tomllib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site

from cms import demo_images
from cms.models import (
    ArticlePage,
    ContentPage,
    CultureWorkPage,
    HomeFeatured,
    HomePage,
    PolicyExplainerPage,
    Regulation,
    SectionPage,
    SiteFooter,
    ViolationCategory,
    WarningCasePage,
    WarningPhrase,
)
from cms.services import approve_review, ensure_home_page, submit_for_review
from directory.demo import DEMO_USERS, demo_step
from directory.models import Department

CONTENT_FILE = Path(__file__).with_name("demo_content.toml")
IMAGE_COLLECTION = "演示图片"
PAGE_TYPES = {
    "case": WarningCasePage,
    "policy": PolicyExplainerPage,
    "article": ArticlePage,
    "culture": CultureWorkPage,
}
# Demo pages are written by the demo editor; the demo reviewer approves the warning cases and policy explainers.
EDITOR_ROLE = "editor"
REVIEWER_ROLE = "reviewer"
PUBLISH_HOUR = datetime.time(9, 0)
PHRASE_SOURCE = "清河市纪委监委"


def load_content():
    with CONTENT_FILE.open("rb") as file:
        return tomllib.load(file)


@demo_step
def load_home_page(run):
    """The site's home page under Wagtail's root: every other page of the demo hangs below it."""
    ensure_home_page()


# The footer of a municipal commission's site. All fictional: 0736 is the demo city's area code (directory's demo
# data), "99" a prefecture number no province uses, so neither record number nor the site code is anybody's.
SITE_INFORMATION = {
    "sponsor": "中共清河市纪律检查委员会 清河市监察委员会",
    "organiser": "清河市纪委监委宣传部",
    "site_code": "4399000012",
    "icp_number": "湘ICP备99000012号-1",
    "police_number": "湘公网安备43990002000012号",
    "address": "清河市清河区人民路1号",
    "postcode": "419900",
    "phone": "0736-12388",
    "email": "jjjc@qinghe.example",
}


@demo_step
def load_site_information(run):
    """设置 → 网站信息: the footer's sponsor, registrations and contact, where still empty (an edit is kept)."""
    site = Site.objects.get(is_default_site=True)
    footer = SiteFooter.for_site(site)
    filled = {name: value for name, value in SITE_INFORMATION.items() if not getattr(footer, name)}
    for name, value in filled.items():
        setattr(footer, name, value)
    if filled:
        footer.full_clean()
        footer.save()
    run.count(_("site information fields"), len(filled), len(SITE_INFORMATION))


@demo_step
def load_education(run):
    """Snippets, sections, content pages with their pictures, the home page's featured items, pages in review."""
    started = time.perf_counter()
    content = load_content()
    editor = demo_editor()
    home = HomePage.objects.get().specific

    created = 0
    for order, spec in enumerate(content["category"]):
        _category, was_created = ViolationCategory.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "description": spec["description"], "sort_order": order}
        )
        created += was_created
    run.count(_("violation categories"), created, ViolationCategory.objects.count())

    regulations = {}
    created = 0
    for spec in content["regulation"]:
        regulations[spec["key"]], was_created = Regulation.objects.get_or_create(
            title=spec["title"],
            defaults={
                "short_title": spec["short_title"],
                "issuer": spec["issuer"],
                "effective_date": spec.get("effective"),
                "summary": spec["summary"],
            },
        )
        created += was_created
    run.count(_("regulations"), created, Regulation.objects.count())

    existing = set(WarningPhrase.objects.values_list("text", flat=True))
    missing = [text for text in content["warning_phrases"]["texts"] if text not in existing]
    WarningPhrase.objects.bulk_create([WarningPhrase(text=text, source=PHRASE_SOURCE) for text in missing])
    run.count(_("warning phrases"), len(missing), WarningPhrase.objects.count())

    sections = {}
    created = 0
    for spec in content["section"]:
        section = SectionPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if section is None:
            section = SectionPage(title=spec["title"], slug=spec["slug"], kind=spec["kind"], intro=spec["intro"])
            home.add_child(instance=section)
            section.save_revision(user=editor).publish(user=editor)
            created += 1
        sections[spec["kind"]] = section
    run.count(_("sections"), created, SectionPage.objects.count())

    images = DemoImages()
    builder = PageBuilder(editor, regulations, images)
    pages = {}
    created = 0
    for spec in content["page"]:
        section = sections[spec["section"]]
        page = ContentPage.objects.child_of(section).filter(slug=spec["slug"]).first()
        if page is None:
            page = builder.create(section, spec)
            created += 1
        pages[spec["slug"]] = page
    run.count(_("content pages"), created, ContentPage.objects.count())
    run.count(_("images"), images.created, get_image_model().objects.count())
    run.count(_("pages awaiting review"), builder.submitted, _pages_in_review())

    _feature_on_home(home, content, pages, editor)
    run.say(_("Education content: %(seconds).1f s") % {"seconds": time.perf_counter() - started})


def demo_editor():
    return demo_login(EDITOR_ROLE)


def demo_login(role_code):
    username = next(username for username, role, *_rest in DEMO_USERS if role == role_code)
    return get_user_model().objects.get(username=username)


def _pages_in_review():
    from wagtail.models import WorkflowState

    return WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count()


def _feature_on_home(home, content, pages, editor):
    """Six featured items and the introduction, in one published revision; never again once the home page has any."""
    if HomeFeatured.objects.filter(home=home).exists():
        return
    featured = sorted((spec["featured"], spec["slug"]) for spec in content["page"] if "featured" in spec)
    # The featured items go through a revision, not straight into the table: the page editor loads the latest
    # revision, and publishing a revision without them would delete them.
    home.featured_items = [
        HomeFeatured(page=pages[slug], sort_order=order) for order, (_rank, slug) in enumerate(featured)
    ]
    home.intro = home.intro or content["home"]["intro"]
    home.body = home.body or "".join(f"<p>{line}</p>" for line in _paragraphs(content["home"]["body"]))
    home.save_revision(user=editor).publish(user=editor)


class DemoImages:
    """Wagtail images in the demo collection, drawn only when no image has the title yet."""

    def __init__(self):
        self.created = 0
        self._collection = None

    @property
    def collection(self):
        if self._collection is None:
            root = Collection.get_first_root_node()
            self._collection = root.get_children().filter(name=IMAGE_COLLECTION).first()
            if self._collection is None:
                self._collection = root.add_child(name=IMAGE_COLLECTION)
        return self._collection

    def get(self, title, filename, draw):
        Image = get_image_model()
        image = Image.objects.filter(title=title, collection=self.collection).first()
        if image is not None:
            return image
        data = draw()
        image = Image(
            title=title,
            collection=self.collection,
            file=ImageFile(io.BytesIO(data), name=filename),
            file_size=len(data),
            file_hash=hashlib.sha1(data).hexdigest(),
        )
        image.save()
        self.created += 1
        return image


class PageBuilder:
    """Turns one [[page]] table of demo_content.toml into a published (or submitted) page."""

    def __init__(self, editor, regulations, images):
        self.editor = editor
        self.reviewer = demo_login(REVIEWER_ROLE)
        self.regulations = regulations
        self.images = images
        self.today = timezone.localdate()
        self.submitted = 0

    def create(self, section, spec):
        model = PAGE_TYPES[spec["type"]]
        date = self.today - datetime.timedelta(days=spec["days_ago"])
        in_review = spec.get("review", False)
        page = model(
            title=spec["title"],
            slug=spec["slug"],
            date=date,
            summary=spec["summary"],
            body=self.blocks(spec["body"]),
            owner=self.editor,
            live=False,
            first_published_at=None if in_review else _at_publish_hour(date),
        )
        getattr(self, f"fill_{spec['type']}")(page, spec, section)
        if page.cover is None:
            page.cover = self.images.get(
                f"{spec['title']}（封面）",
                f"demo-cover-{spec['slug']}.jpg",
                lambda: demo_images.cover(spec["slug"], section.kind, spec["mark"], spec["title"]),
            )
        page.tags.add(*spec.get("tags", []))
        section.add_child(instance=page)
        revision = page.save_revision(user=self.editor)
        if not model.requires_review:
            revision.publish(user=self.editor)
            return page
        # What the admin's "Submit for moderation" does: the editor asks, a reviewer decides; the demo's published
        # cases and explainers went through the same review as anyone's (no path publishes them without it). The demo
        # logins' addresses are not real, so Wagtail's notification mail is not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            submit_for_review(page, by=self.editor)
            if in_review:
                self.submitted += 1
            else:
                approve_review(page, by=self.reviewer, comment=_("Facts checked; approved for publication."))
        return page

    def fill_case(self, page, spec, section):
        page.official = spec["official"]
        page.official_post = spec["post"]
        page.official_level = spec["level"]
        page.discipline = spec["discipline"]
        page.decided_on = page.date - datetime.timedelta(days=spec["decided_days_before"])
        page.region = Department.objects.filter(code=spec["region"]).first()
        page.lessons = "<ul>" + "".join(f"<li>{lesson}</li>" for lesson in spec["lessons"]) + "</ul>"
        page.categories = list(ViolationCategory.objects.filter(slug__in=spec["categories"]))
        page.regulations = [self.regulations[key] for key in spec["regulations"]]

    def fill_policy(self, page, spec, section):
        page.regulation = self.regulations[spec["regulation"]]
        page.articles = spec["articles"]
        page.effective_date = spec.get("effective")
        page.questions = self.blocks(spec["questions"])

    def fill_article(self, page, spec, section):
        page.author = spec["author"]
        page.source = spec["source"]

    def fill_culture(self, page, spec, section):
        page.work_kind = spec["work_kind"]
        page.creator = spec["creator"]
        page.description = f"<p>{spec['description']}</p>"
        if "image" in spec:
            draw = demo_images.WORKS[spec["image"]]
            page.image = self.images.get(
                spec["title"], f"demo-work-{spec['slug']}.jpg", lambda: draw(spec["slug"], spec["image_text"])
            )
            page.cover = page.image

    def blocks(self, text):
        """StreamField data from the markup described at the top of demo_content.toml."""
        return [self.block(paragraph) for paragraph in _paragraphs(text)]

    def block(self, paragraph):
        head, _space, rest = paragraph.partition(" ")
        first, _bar, second = (part.strip() for part in rest.partition("|"))
        if head == "##":
            return {"type": "paragraph", "value": f"<h2>{rest}</h2>"}
        if head in ("!danger", "!warning", "!info"):
            return {"type": "callout", "value": {"tone": head[1:], "title": first, "text": f"<p>{second}</p>"}}
        if head.startswith("@"):
            regulation = self.regulations[head[1:]]
            return {
                "type": "citation",
                "value": {"regulation": regulation.pk, "name": "", "article": first, "text": second},
            }
        if head == ">":
            return {"type": "quote", "value": {"text": first, "source": second}}
        if head == "?":
            return {"type": "qa", "value": {"question": first, "answer": f"<p>{second}</p>"}}
        return {"type": "paragraph", "value": f"<p>{paragraph}</p>"}


def _paragraphs(text):
    """Blocks of text separated by blank lines; the lines of one block are joined, as Chinese has no spaces."""
    blocks, current = [], []
    for line in text.strip().splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("".join(current))
            current = []
    if current:
        blocks.append("".join(current))
    return blocks


def _at_publish_hour(date):
    return timezone.make_aware(datetime.datetime.combine(date, PUBLISH_HOUR))


def demo_pages():
    """The demo's content pages, for tests and the benchmark."""
    slugs = [spec["slug"] for spec in load_content()["page"]]
    return Page.objects.filter(slug__in=slugs).type(ContentPage)
