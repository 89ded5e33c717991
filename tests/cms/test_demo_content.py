from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, WorkflowState

from cms.demo import IMAGE_COLLECTION
from cms.models import (
    ArticlePage,
    ContentPage,
    CultureWorkPage,
    HomeFeatured,
    HomePage,
    PolicyExplainerPage,
    Regulation,
    ReviewTask,
    SectionPage,
    ViolationCategory,
    WarningCasePage,
    WarningPhrase,
)
from cms.models.snippets import PHRASE_MAX_LENGTH
from tests.demo import demo_snapshot


@demo_snapshot
def _counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "workflow states": WorkflowState.objects.count(),
        "featured": HomeFeatured.objects.count(),
        "categories": ViolationCategory.objects.count(),
        "regulations": Regulation.objects.count(),
        "phrases": WarningPhrase.objects.count(),
    }


@pytest.fixture
def loaded(demo):
    return demo.first["_counts"]


def test_a_second_run_adds_no_page_revision_or_image(loaded):
    assert _counts() == loaded


def test_every_page_type_and_every_section_has_live_content(loaded):
    live = ContentPage.objects.live()
    assert live.count() >= 40
    by_type = Counter(page.specific_class for page in live.specific(defer=True))
    assert by_type[WarningCasePage] >= 12
    assert by_type[PolicyExplainerPage] >= 8
    assert by_type[ArticlePage] >= 10
    assert by_type[CultureWorkPage] >= 8

    sections = SectionPage.objects.child_of(HomePage.objects.get()).live()
    assert sorted(sections.values_list("kind", flat=True)) == sorted(SectionPage.Kind.values)
    for section in sections:
        assert ContentPage.objects.child_of(section).live().exists(), section.title

    assert HomeFeatured.objects.filter(page__live=True).count() == 6
    assert ViolationCategory.objects.count() >= 8 and Regulation.objects.count() >= 8
    phrases = list(WarningPhrase.objects.values_list("text", flat=True))
    assert len(phrases) >= 30 and all(len(text) <= PHRASE_MAX_LENGTH for text in phrases)


def test_the_pictures_are_wagtail_images_in_the_demo_collection(loaded):
    images = get_image_model().objects.filter(collection__name=IMAGE_COLLECTION)
    assert images.count() >= 40
    for image in images:
        assert image.file.storage.exists(image.file.name) and image.width > 0
    live = ContentPage.objects.live()
    assert live.filter(cover__isnull=False).count() >= 0.8 * live.count()
    for work in CultureWorkPage.objects.live().exclude(work_kind=CultureWorkPage.Kind.POEM):
        assert work.image is not None, work.title
    case = WarningCasePage.objects.live().first()
    assert case.region is not None and case.categories.exists() and case.regulations.exists()
    assert {block.block_type for block in case.body} >= {"paragraph", "callout", "citation", "quote"}


def test_two_warning_cases_wait_for_the_reviewer(loaded):
    User = get_user_model()
    editor, reviewer = User.objects.get(username="editor"), User.objects.get(username="reviewer")
    states = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS)
    assert states.count() == 2
    for state in states:
        page = state.content_object
        assert isinstance(page.specific, WarningCasePage) and not page.live
        assert state.requested_by == editor
    task = ReviewTask.objects.get()
    assert task.get_task_states_user_can_moderate(reviewer).count() == 2
    assert task.get_task_states_user_can_moderate(editor).count() == 0


def test_every_live_page_renders(loaded, client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    kinds = {type(page) for page in pages}
    assert {HomePage, SectionPage, WarningCasePage, PolicyExplainerPage, ArticlePage, CultureWorkPage} <= kinds
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        if isinstance(page, ContentPage):
            assert page.title in response.content.decode(), page.url


def test_every_live_case_and_explainer_was_approved_by_the_reviewer_not_its_author(loaded):
    from cms.models.workflow import approval_of

    reviewer = get_user_model().objects.get(username="reviewer")
    reviewed = [*WarningCasePage.objects.live(), *PolicyExplainerPage.objects.live()]
    assert len(reviewed) >= 10
    for page in reviewed:
        approval = approval_of(page.live_revision)
        assert approval is not None and approval.finished_by == reviewer, page.title
        assert approval.workflow_state.requested_by != reviewer
