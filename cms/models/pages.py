"""The education site's page types. Every content page shares ContentPage, so lists read one table."""

import datetime

from django import forms
from django.apps import apps
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber, Substr
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from grapple.models import (
    GraphQLDocument,
    GraphQLImage,
    GraphQLRichText,
    GraphQLStreamfield,
    GraphQLString,
    GraphQLTag,
)
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import BodyBlock, QuestionAnswerStream

PAGE_SIZE = 10
LATEST_PER_SECTION = 3


def with_covers(queryset):
    """Fetch cover images and all their renditions in two queries instead of two per row."""
    images = get_image_model().objects.prefetch_renditions()
    return queryset.select_related("cover").prefetch_related(Prefetch("cover", queryset=images))


class HomePage(Page):
    """The front page: featured items, the latest of each section and a warning phrase of the day."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel("featured_items", label=_("Featured"), max_num=6),
    ]

    graphql_fields = [GraphQLString("intro"), GraphQLRichText("body")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.SectionPage", "forum.ForumBoardPage", "quizzes.QuizPage"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        from cms.caching import content_version
        from cms.models.snippets import WarningPhrase

        context = super().get_context(request, *args, **kwargs)
        # Lazy: the template caches these lists under the content version, so a cache hit never queries them.
        featured = with_covers(ContentPage.objects.live().public().filter(featured_on__home=self)).only(*CARD_FIELDS)
        context["featured"] = SimpleLazyObject(lambda: list(featured.order_by("featured_on__sort_order")))
        sections = SectionPage.objects.child_of(self).live().public().order_by("path")
        context["sections"] = SimpleLazyObject(lambda: attach_latest(list(sections), LATEST_PER_SECTION))
        boards = Page.objects.child_of(self).live().public().type(apps.get_model("forum", "ForumBoardPage"))
        context["boards"] = SimpleLazyObject(lambda: list(boards))
        context["phrase"] = WarningPhrase.objects.of_the_day()
        context["content_version"] = content_version()
        return context


# The columns a card reads: title, date, summary and cover, its URL (url_path, and path, depth and locale for
# Wagtail's site and language lookups) and its type's name (content_type).
CARD_FIELDS = ("id", "title", "slug", "url_path", "path", "depth", "locale", "content_type", "date", "summary", "cover")


def attach_latest(sections, count):
    """Give each section its `count` newest pages with one query, whatever the number of sections or pages."""
    for section in sections:
        section.latest = []
    if not sections:
        return sections
    by_path = {section.path: section for section in sections}
    prefix_length = len(sections[0].path)
    rows = (
        ContentPage.objects.live()
        .public()
        .filter(depth=sections[0].depth + 1, path__startswith=sections[0].path[: prefix_length - Page.steplen])
        .annotate(
            section_path=Substr("path", 1, prefix_length),
            position=Window(RowNumber(), partition_by=[F("section_path")], order_by=[F("date").desc(), F("pk").desc()]),
        )
        .filter(position__lte=count)
        .order_by("section_path", "position")
        # What a card shows (cms/includes/card.html, api.cms.types.Card): compiling and building every column of
        # Page and ContentPage was a third of the home feed's CPU.
        .only(*CARD_FIELDS)
    )
    for page in with_covers(rows):
        if page.section_path in by_path:
            by_path[page.section_path].latest.append(page)
    return sections


class SectionPage(Page):
    """An index of one kind of content, paginated and filtered by tag and violation category."""

    class Kind(models.TextChoices):
        WARNING_CASES = "warning_cases", _("Warning cases")
        POLICY = "policy", _("Policy explainers")
        THEORY = "theory", _("Theory and practice")
        HOT_TOPICS = "hot_topics", _("Hot topics")
        CULTURE = "culture", _("Integrity culture")
        NOTICES = "notices", _("Notices")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    intro = models.CharField(_("introduction"), max_length=255, blank=True)

    content_panels = Page.content_panels + [FieldPanel("kind"), FieldPanel("intro")]
    graphql_fields = [GraphQLString("kind"), GraphQLString("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.WarningCasePage", "cms.PolicyExplainerPage", "cms.ArticlePage", "cms.CultureWorkPage"]

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def get_context(self, request, *args, **kwargs):
        from cms.models.snippets import ViolationCategory

        context = super().get_context(request, *args, **kwargs)
        pages = ContentPage.objects.child_of(self).live().public()
        tag = request.GET.get("tag", "").strip()
        if tag:
            pages = pages.filter(tags__name=tag)
        category = request.GET.get("category", "").strip()
        if category:
            pages = pages.filter(warningcasepage__categories__slug=category)
        pages = with_covers(pages.order_by("-date", "-pk")).prefetch_related("tags")
        paginator = Paginator(pages, PAGE_SIZE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        filters = {key: value for key, value in (("tag", tag), ("category", category)) if value}
        context.update(
            page_obj=page_obj,
            active_tag=tag,
            active_category=category,
            query_prefix=f"{urlencode(filters)}&" if filters else "",
        )
        if self.kind == self.Kind.WARNING_CASES:
            context["categories"] = ViolationCategory.objects.all()
        return context


class ContentPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.ContentPage", related_name="tagged_items", on_delete=models.CASCADE)


class ContentPage(Page):
    """What every readable page shares: a date, a summary, a cover image, tags and a body."""

    date = models.DateField(_("date"), default=datetime.date.today)
    summary = models.TextField(_("summary"), max_length=300, blank=True, help_text=_("Shown in lists and search."))
    cover = models.ForeignKey(
        get_image_model(),
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(verbose_name=_("tags"), through=ContentPageTag, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    # What /graphql/ (wagtail-grapple) exposes; subtypes add their own fields to these.
    graphql_fields = [
        GraphQLString("date"),
        GraphQLString("summary"),
        GraphQLImage("cover"),
        GraphQLTag("tags"),
        GraphQLStreamfield("body"),
    ]

    summary_panels = [
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("summary"), FieldPanel("cover"), FieldPanel("tags")], _("Listing")
        )
    ]

    is_creatable = False
    parent_page_types = ["cms.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")

    # Page types that may only go live through the review workflow (four eyes).
    requires_review = False

    def get_workflow(self):
        workflow = super().get_workflow()
        if workflow is None and self.requires_review:
            # Assigned to the page type, so the rule holds wherever an editor puts the page.
            workflow = type(self).get_default_workflow()
        return workflow

    @property
    def has_workflow(self):
        return self.get_workflow() is not None

    def publish(self, revision, *args, skip_permission_checks=False, **kwargs):
        if self.requires_review:
            from cms.models.workflow import ensure_approved

            ensure_approved(self, revision)
            # The reviewer's approval is the permission: whoever carries it out (the approver, the scheduler).
            skip_permission_checks = True
        return super().publish(revision, *args, skip_permission_checks=skip_permission_checks, **kwargs)

    def save(self, *args, **kwargs):
        if self.requires_review and self.live:
            from cms.models.workflow import ensure_live_content_approved

            ensure_live_content_approved(self)
        return super().save(*args, **kwargs)

    def permissions_for_user(self, user):
        if self.requires_review:
            from cms.models.workflow import ReviewedPagePermissionTester

            return ReviewedPagePermissionTester(user, self)
        return super().permissions_for_user(user)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = self.get_ancestors().filter(depth__gt=1).specific(defer=True)
        context["related"] = self.related_pages()
        return context

    def related_pages(self, count=3):
        """Newest siblings sharing a tag, then the newest siblings."""
        siblings = ContentPage.objects.sibling_of(self, inclusive=False).live().public()
        tag_ids = list(self.tags.values_list("pk", flat=True))
        ordered = siblings.order_by("-date", "-pk")
        picked = list(ordered.filter(tags__in=tag_ids).distinct()[:count]) if tag_ids else []
        if len(picked) < count:
            picked += list(ordered.exclude(pk__in=[p.pk for p in picked])[: count - len(picked)])
        return picked


class HomeFeatured(Orderable):
    home = ParentalKey(HomePage, related_name="featured_items", on_delete=models.CASCADE)
    page = models.ForeignKey(ContentPage, verbose_name=_("page"), related_name="featured_on", on_delete=models.CASCADE)

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured item")
        verbose_name_plural = _("featured items")


class OfficialLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial or ministerial")
    BUREAU = "bureau", _("Department or bureau level")
    DIVISION = "division", _("County or division level")
    SECTION = "section", _("Township or section level")
    STAFF = "staff", _("Staff without leadership post")


class WarningCasePage(ContentPage):
    """A disciplined official's case, told as a lesson. Demo cases use fictional people."""

    official = models.CharField(_("official"), max_length=100, help_text=_("For example: 某镇党委原书记 张某"))
    official_post = models.CharField(_("post at the time"), max_length=200)
    official_level = models.CharField(_("level"), max_length=20, choices=OfficialLevel.choices)
    categories = ParentalManyToManyField("cms.ViolationCategory", verbose_name=_("violations"), blank=True)
    discipline = models.CharField(_("discipline imposed"), max_length=300)
    decided_on = models.DateField(_("decided on"))
    region = models.ForeignKey(
        "directory.Department",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lessons = RichTextField(_("lessons"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    regulations = ParentalManyToManyField("cms.Regulation", verbose_name=_("regulations cited"), blank=True)

    search_fields = ContentPage.search_fields + [
        index.SearchField("official"),
        index.SearchField("official_post"),
        index.SearchField("discipline"),
        index.SearchField("lessons"),
    ]
    graphql_fields = ContentPage.graphql_fields + [
        GraphQLString("official"),
        GraphQLString("official_post"),
        GraphQLString("official_level"),
        GraphQLString("discipline"),
        GraphQLString("decided_on"),
        GraphQLRichText("lessons"),
    ]

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("official"), FieldPanel("official_level")]),
                FieldPanel("official_post"),
                FieldPanel("region"),
                FieldRowPanel([FieldPanel("decided_on"), FieldPanel("discipline")]),
                FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
            ],
            _("The case"),
        ),
        *ContentPage.summary_panels,
        FieldPanel("body"),
        FieldPanel("lessons"),
        FieldPanel("regulations"),
    ]

    parent_page_types = ["cms.SectionPage"]
    requires_review = True

    class Meta:
        verbose_name = _("warning case")
        verbose_name_plural = _("warning cases")


class PolicyExplainerPage(ContentPage):
    """Explains a regulation's articles in plain words, with questions and answers."""

    regulation = models.ForeignKey(
        "cms.Regulation",
        verbose_name=_("regulation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    articles = models.CharField(_("articles explained"), max_length=200, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    questions = StreamField(QuestionAnswerStream(), verbose_name=_("questions and answers"), blank=True)

    search_fields = ContentPage.search_fields + [index.SearchField("articles"), index.SearchField("questions")]
    graphql_fields = ContentPage.graphql_fields + [
        GraphQLString("articles"),
        GraphQLString("effective_date"),
        GraphQLStreamfield("questions"),
    ]

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("regulation"), FieldRowPanel([FieldPanel("articles"), FieldPanel("effective_date")])],
            _("Regulation"),
        ),
        *ContentPage.summary_panels,
        FieldPanel("body"),
        FieldPanel("questions"),
    ]

    parent_page_types = ["cms.SectionPage"]
    requires_review = True

    class Meta:
        verbose_name = _("policy explainer")
        verbose_name_plural = _("policy explainers")


class ArticlePage(ContentPage):
    """Theory and practice, hot topics, news and notices."""

    author = models.CharField(_("author"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    search_fields = ContentPage.search_fields + [index.SearchField("author")]
    graphql_fields = ContentPage.graphql_fields + [GraphQLString("author"), GraphQLString("source")]

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("author"), FieldPanel("source")]),
        *ContentPage.summary_panels,
        FieldPanel("body"),
    ]

    parent_page_types = ["cms.SectionPage"]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class CultureWorkPage(ContentPage):
    """An integrity-culture work: a poem, calligraphy, painting, photo, video or animation."""

    class Kind(models.TextChoices):
        POEM = "poem", _("Poem")
        CALLIGRAPHY = "calligraphy", _("Calligraphy")
        PAINTING = "painting", _("Painting")
        PHOTO = "photo", _("Photograph")
        VIDEO = "video", _("Video")
        ANIMATION = "animation", _("Animation")

    work_kind = models.CharField(_("kind of work"), max_length=20, choices=Kind.choices)
    creator = models.CharField(_("author"), max_length=100)
    image = models.ForeignKey(
        get_image_model(), verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    video = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("video file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An MP4 or WebM file, served from our own server."),
    )
    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "link"])

    search_fields = ContentPage.search_fields + [index.SearchField("creator"), index.SearchField("description")]
    graphql_fields = ContentPage.graphql_fields + [
        GraphQLString("work_kind"),
        GraphQLString("creator"),
        GraphQLImage("image"),
        GraphQLDocument("video"),
        GraphQLRichText("description"),
    ]

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("work_kind"), FieldPanel("creator")]),
        FieldRowPanel([FieldPanel("image"), FieldPanel("video")]),
        FieldPanel("description"),
        *ContentPage.summary_panels,
        FieldPanel("body"),
    ]

    parent_page_types = ["cms.SectionPage"]

    class Meta:
        verbose_name = _("culture work")
        verbose_name_plural = _("culture works")

    def clean(self):
        from django.core.exceptions import ValidationError

        from cms.blocks import VIDEO_EXTENSIONS

        super().clean()
        errors = {}
        if self.video and not self.video.file.name.lower().endswith(VIDEO_EXTENSIONS):
            errors["video"] = _("Choose an MP4 or WebM video file.")
        if self.work_kind in (self.Kind.VIDEO, self.Kind.ANIMATION) and not self.video:
            errors["video"] = _("A video or animation needs its video file.")
        if self.work_kind in (self.Kind.CALLIGRAPHY, self.Kind.PAINTING, self.Kind.PHOTO) and not self.image:
            errors["image"] = _("This kind of work needs its image.")
        if errors:
            raise ValidationError(errors)
