"""Four eyes: warning cases and policy explainers go live only when a reviewer other than the author approves."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import TaskState

from cms.models import PolicyExplainerPage, WarningCasePage
from cms.services import REVIEW_WORKFLOW_NAME
from tests.cms.factories import ArticlePageFactory, SectionPageFactory, WarningCasePageFactory
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db


def _submit(page, user):
    workflow = page.get_workflow()
    assert workflow is not None and workflow.name == REVIEW_WORKFLOW_NAME
    page.save_revision(user=user)
    return workflow.start(page, user)


def _task_state(page):
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def _action_url(page, action):
    return reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, _task_state(page).pk))


@pytest.mark.parametrize("model", [WarningCasePage, PolicyExplainerPage])
def test_reviewed_page_types_use_the_review_workflow_wherever_they_are(model):
    assert model.get_default_workflow().name == REVIEW_WORKFLOW_NAME


def test_an_editor_cannot_publish_a_warning_case_but_can_submit_it(client, people):
    case = WarningCasePageFactory(parent=SectionPageFactory(), publish=False, owner=people["editor"])
    assert not case.permissions_for_user(people["editor"]).can_publish()
    client.force_login(people["editor"])
    html = client.get(reverse("wagtailadmin_pages:edit", args=(case.pk,))).content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html


def test_an_editor_publishes_an_article_directly(client, people):
    article = ArticlePageFactory(parent=SectionPageFactory(kind="theory"), publish=False)
    assert article.permissions_for_user(people["editor"]).can_publish()


def test_nobody_publishes_a_case_directly_a_reviewer_approves_it(people, admin_user):
    case = WarningCasePageFactory(parent=SectionPageFactory(), publish=False)
    case.save_revision(user=people["both"])
    for user in (people["both"], people["reviewer"], people["editor"], admin_user):
        assert not case.permissions_for_user(user).can_publish()


def test_a_reviewer_who_wrote_the_page_cannot_approve_it(client, people):
    case = WarningCasePageFactory(parent=SectionPageFactory(), publish=False)
    _submit(case, people["both"])
    case.refresh_from_db()
    task = _task_state(case).task.specific
    assert task.get_actions(case, people["both"]) == []
    client.force_login(people["both"])
    response = client.post(_action_url(case, "approve"))
    assert response.status_code in (302, 403)
    with pytest.raises(PermissionDenied):
        task.on_action(_task_state(case), people["both"], "approve")
    case.refresh_from_db()
    assert not case.live
    assert not task.get_task_states_user_can_moderate(people["both"]).exists()
    assert task.get_task_states_user_can_moderate(people["reviewer"]).exists()


def test_another_reviewer_approves_and_the_case_goes_live(client, people):
    case = WarningCasePageFactory(parent=SectionPageFactory(), publish=False)
    _submit(case, people["editor"])
    client.force_login(people["reviewer"])
    response = client.post(_action_url(case, "approve"), {"comment": "事实清楚，同意发布。"})
    assert response.status_code in (200, 302)
    case.refresh_from_db()
    assert case.live
    assert case.get_latest_revision().user == people["editor"]


def test_a_rejection_keeps_the_case_offline_and_records_the_comment(client, people):
    case = WarningCasePageFactory(parent=SectionPageFactory(), publish=False)
    _submit(case, people["editor"])
    state = _task_state(case)
    client.force_login(people["reviewer"])
    client.post(_action_url(case, "reject"), {"comment": "处分日期有误，请核实。"})
    state.refresh_from_db()
    case.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED
    assert state.comment == "处分日期有误，请核实。"
    assert not case.live


def test_a_cadre_without_a_role_cannot_reach_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("cadre", password="pw-清风-2026")
    CadreFactory(user=user)
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_wagtails_default_groups_and_workflow_are_replaced_by_ours(home_page):
    from wagtail.models import Workflow

    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert list(Workflow.objects.values_list("name", flat=True)) == [REVIEW_WORKFLOW_NAME]
