"""The editor's and the reviewer's work dashboard: drafts, pages sent back, pages waiting for review."""

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from cms import dashboard
from directory.roles import role_group
from tests.cms.factories import SectionPageFactory, WarningCasePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(home_page, django_user_model):
    def person(username, role):
        user = django_user_model.objects.create_user(username, password="pw-清风-2026", first_name=username)
        user.groups.add(role_group(role))
        return user

    return {
        "editor": person("编辑甲", "editor"),
        "other": person("编辑乙", "editor"),
        "reviewer": person("审核甲", "reviewer"),
    }


def panel(user, name):
    return next(p for p in dashboard.panels_for(user) if p.name == name)


def titles(user, name):
    return [item.title for item in panel(user, name).rows()[0]]


def test_editor_drafts_review_and_changes_requested(people, client, django_assert_max_num_queries):
    editor, reviewer = people["editor"], people["reviewer"]
    section = SectionPageFactory()
    draft = WarningCasePageFactory(parent=section, publish=False, owner=editor, title="草稿案例")
    draft.save_revision(user=editor)
    WarningCasePageFactory(parent=section, publish=False, owner=people["other"], title="别人的草稿").save_revision(
        user=people["other"]
    )
    submitted = WarningCasePageFactory(parent=section, publish=False, owner=editor, title="送审案例")
    submitted.save_revision(user=editor)
    submitted.get_workflow().start(submitted, editor)

    assert titles(editor, "cms-my-drafts") == ["草稿案例"]
    assert titles(reviewer, "cms-to-review") == ["送审案例"]
    assert [p.name for p in dashboard.panels_for(reviewer)] == ["cms-to-review"]
    to_review = panel(reviewer, "cms-to-review")
    # Two of them find who wrote the waiting pages (four eyes, cms/models/workflow.py), whatever their number.
    with django_assert_max_num_queries(8):
        (item,), _summaries = to_review.rows()
    assert item.url == reverse("wagtailadmin_pages:edit", args=[submitted.pk]) and item.no_deadline

    state = TaskState.objects.get(workflow_state__object_id=str(submitted.pk), status=TaskState.STATUS_IN_PROGRESS)
    state.task.specific.on_action(state, reviewer, "reject")
    assert titles(editor, "cms-changes-requested") == ["送审案例"]
    assert titles(people["other"], "cms-changes-requested") == []
    assert titles(reviewer, "cms-to-review") == []
    mine = panel(editor, "cms-my-drafts")
    with django_assert_max_num_queries(1):
        drafts, _summaries = mine.rows()
    assert [d.title for d in drafts] == ["草稿案例"]

    client.force_login(editor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-work-panel="cms-changes-requested"' in home and "送审案例" in home


def test_a_reviewer_sees_one_review_panel_not_wagtail_s_as_well(people, client):
    editor, reviewer = people["editor"], people["reviewer"]
    submitted = WarningCasePageFactory(parent=SectionPageFactory(), publish=False, owner=editor, title="送审案例")
    submitted.save_revision(user=editor)
    submitted.get_workflow().start(submitted, editor)

    client.force_login(reviewer)
    home = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-work-panel="cms-to-review"' in home and home.count("送审案例") == 1
    assert "等待你的审查" not in home and 'id="awaiting-review' not in home

    # Who gets no panel of ours keeps Wagtail's: the hook removes it only where ours stands in for it.
    from wagtail.admin.views.home import WorkflowObjectsToModeratePanel

    from cms.wagtail_hooks import WAGTAIL_REVIEW_PANEL, add_work_panels

    class Request:
        user = editor

    panels = [WorkflowObjectsToModeratePanel()]
    add_work_panels(Request, panels)
    assert panels[0].name == WAGTAIL_REVIEW_PANEL
    Request.user = reviewer
    add_work_panels(Request, panels)
    assert WAGTAIL_REVIEW_PANEL not in [p.name for p in panels]
