"""Every way a page can go live, tried on a warning case: none of them skips the review of a second person."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.copy_page import CopyPageAction
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from cms.models import ReviewRequired, SectionPage, WarningCasePage
from cms.services import approve_review, submit_for_review
from tests.cms.factories import SectionPageFactory, WarningCasePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(home_page):
    return SectionPageFactory(parent=home_page, title="警示案例", slug="cases", kind=SectionPage.Kind.WARNING_CASES)


def _draft(cases, user, title="某镇原副镇长违规吃喝案"):
    case = WarningCasePageFactory(parent=cases, title=title, publish=False)
    case.save_revision(user=user)
    return case


def _add_url(parent):
    return reverse("wagtailadmin_pages:add", args=("cms", "warningcasepage", parent.pk))


def _with_body(data):
    """The body StreamField is drawn by JavaScript, so the HTML form lacks it: add what the browser would send."""
    body = nested_form_data({"body": streamfield([("paragraph", rich_text("<p>王某违规收受红包。</p>"))])})
    data.update(body)
    return data


def _create_form(client, parent, **fields):
    data = _with_body(querydict_from_html(client.get(_add_url(parent)).content.decode(), form_id="page-edit-form"))
    data.update(
        {
            "title": "某局原科长收受红包案",
            "slug": "hongbao",
            "official": "某局原科长 刘某",
            "official_post": "某局科长",
            "official_level": "section",
            "discipline": "党内警告",
            "decided_on": "2026-05-01",
            "date": "2026-06-01",
            **fields,
        }
    )
    return data


def _edit_form(client, page, url=None):
    html = client.get(url or reverse("wagtailadmin_pages:edit", args=(page.pk,))).content.decode()
    return _with_body(querydict_from_html(html, form_id="page-edit-form"))


# The create view (the tester's finding 1)


def test_the_create_view_offers_submission_not_publishing(client, people, cases):
    client.force_login(people["editor"])
    html = client.get(_add_url(cases)).content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html


def test_publishing_from_the_create_view_leaves_a_draft(client, people, cases):
    client.force_login(people["editor"])
    client.post(_add_url(cases), {**_create_form(client, cases), "action-publish": "action-publish"})
    case = WarningCasePage.objects.get(slug="hongbao")
    assert not case.live and case.live_revision is None


def test_submitting_from_the_create_view_starts_the_review(client, people, cases):
    client.force_login(people["editor"])
    client.post(_add_url(cases), {**_create_form(client, cases), "action-submit": "action-submit"})
    case = WarningCasePage.objects.get(slug="hongbao")
    assert not case.live
    assert case.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert case.current_workflow_state.requested_by == people["editor"]


def test_the_create_view_still_publishes_an_article(client, people, home_page):
    theory = SectionPageFactory(parent=home_page, kind=SectionPage.Kind.THEORY)
    client.force_login(people["editor"])
    url = reverse("wagtailadmin_pages:add", args=("cms", "articlepage", theory.pk))
    assert 'name="action-publish"' in client.get(url).content.decode()


# The edit view (the tester's finding 2, and a reviewer publishing their own edits)


def test_a_reviewer_approves_and_publishes_from_the_editor_even_after_changing_it(client, people, cases):
    case = _draft(cases, people["editor"])
    submit_for_review(case, by=people["editor"])
    client.force_login(people["reviewer"])
    data = _edit_form(client, case)
    data.update({"summary": "审核员补充的摘要。", "action-workflow-action": "true", "workflow-action-name": "approve"})
    client.post(reverse("wagtailadmin_pages:edit", args=(case.pk,)), data)
    case.refresh_from_db()
    assert case.live
    assert case.summary == "审核员补充的摘要。"
    assert case.live_revision.user == people["reviewer"]  # the approval revision: not an author for all that
    state = TaskState.objects.get(workflow_state__object_id=str(case.pk))
    assert (state.status, state.finished_by) == (TaskState.STATUS_APPROVED, people["reviewer"])


def test_the_approver_reviews_the_next_version_too(client, people, cases):
    """With one reviewer the site must not get stuck: approving version 1 does not make them an author of version 2."""
    case = _draft(cases, people["editor"])
    submit_for_review(case, by=people["editor"])
    case.summary = "审核员改过"
    case.save_revision(user=people["reviewer"])  # what the editor saves while the reviewer approves
    approve_review(case, by=people["reviewer"])
    case.refresh_from_db()
    case.summary = "第二版"
    case.save_revision(user=people["editor"])
    submit_for_review(case, by=people["editor"])
    client.force_login(people["reviewer"])
    assert client.get(reverse("wagtailadmin_home")).content.decode().count(case.title) >= 1
    approve_review(case, by=people["reviewer"])
    case.refresh_from_db()
    assert case.live and case.summary == "第二版"


def test_a_reviewer_cannot_publish_their_own_edits_from_the_editor(client, people, cases):
    case = _draft(cases, people["editor"])
    client.force_login(people["reviewer"])
    data = _edit_form(client, case)
    data.update({"summary": "审核员自己写的摘要。", "action-publish": "action-publish"})
    client.post(reverse("wagtailadmin_pages:edit", args=(case.pk,)), data)
    case.refresh_from_db()
    assert not case.live


def test_an_author_who_is_also_a_reviewer_cannot_approve(people, cases):
    case = _draft(cases, people["both"])
    submit_for_review(case, by=people["both"])
    with pytest.raises(PermissionDenied):
        approve_review(case, by=people["both"])
    case.refresh_from_db()
    assert not case.live


# Bulk actions


def test_bulk_publish_leaves_a_case_offline(client, people, cases):
    case = _draft(cases, people["editor"])
    client.force_login(people["reviewer"])
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={case.pk}"
    client.post(url, {"include_descendants": ""})
    case.refresh_from_db()
    assert not case.live


def test_bulk_publish_with_descendants_skips_a_case(client, people, cases):
    case = _draft(cases, people["editor"])
    cases.unpublish()
    client.force_login(people["editor"])
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={cases.pk}"
    client.post(url, {"include_descendants": "on"})
    case.refresh_from_db()
    cases.refresh_from_db()
    assert cases.live and not case.live


def test_the_bulk_publish_action_run_in_code_is_refused(people, cases):
    case = _draft(cases, people["editor"])
    with pytest.raises(ReviewRequired):
        PublishBulkAction.execute_action([case], user=None)
    case.refresh_from_db()
    assert not case.live


# Copy with publish


def test_copying_a_live_case_with_publish_makes_a_draft(client, people, cases):
    case = WarningCasePageFactory(parent=cases, title="原案例", slug="original")
    client.force_login(people["editor"])
    url = reverse("wagtailadmin_pages:copy", args=(case.pk,))
    assert "publish_copies" not in client.get(url).content.decode()
    data = {"new_title": "复制的案例", "new_slug": "copied", "new_parent_page": cases.pk, "publish_copies": "on"}
    client.post(url, data)
    copy = WarningCasePage.objects.get(slug="copied")
    assert not copy.live


def test_copying_with_keep_live_in_code_is_refused(people, cases):
    case = WarningCasePageFactory(parent=cases, title="原案例", slug="original")
    with pytest.raises(ReviewRequired):
        CopyPageAction(case, to=cases, update_attrs={"slug": "copied"}, keep_live=True).execute()
    assert not WarningCasePage.objects.filter(slug="copied").exists()


# Move


def test_moving_a_case_neither_publishes_a_draft_nor_changes_what_is_live(client, people, home_page, cases):
    other = SectionPageFactory(parent=home_page, title="典型案例", kind=SectionPage.Kind.WARNING_CASES)
    live = WarningCasePageFactory(parent=cases, slug="live-case")
    approved = live.live_revision_id
    draft = _draft(cases, people["editor"], title="草稿案例")
    client.force_login(people["editor"])
    for page in (live, draft):
        client.post(reverse("wagtailadmin_pages:move_confirm", args=(page.pk, other.pk)))
    live.refresh_from_db()
    draft.refresh_from_db()
    assert live.get_parent().pk == other.pk and live.live and live.live_revision_id == approved
    assert draft.get_parent().pk == other.pk and not draft.live


# Revert to a revision


def test_reverting_to_a_revision_does_not_publish_it(client, people, cases):
    case = WarningCasePageFactory(parent=cases, summary="已审核的摘要")
    case.summary = "未经审核的摘要"
    old = case.save_revision(user=people["editor"])
    case.summary = "又一版"
    case.save_revision(user=people["editor"])
    client.force_login(people["reviewer"])
    url = reverse("wagtailadmin_pages:revisions_revert", args=(case.pk, old.pk))
    data = _edit_form(client, case, url)
    data["action-publish"] = "action-publish"
    client.post(url, data)
    case.refresh_from_db()
    assert case.summary == "已审核的摘要"


# Scheduled go-live


def test_a_go_live_time_set_by_an_editor_publishes_nothing_unreviewed(client, people, cases):
    client.force_login(people["editor"])
    go_live = (timezone.localtime() + datetime.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    client.post(
        _add_url(cases), {**_create_form(client, cases, go_live_at=go_live), "action-publish": "action-publish"}
    )
    case = WarningCasePage.objects.get(slug="hongbao")
    assert not case.revisions.filter(approved_go_live_at__isnull=False).exists()
    case.revisions.update(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1))  # forged
    call_command("setup_schedules")
    from cms.tasks import publish_scheduled_pages

    publish_scheduled_pages()
    case.refresh_from_db()
    assert not case.live
    assert not case.revisions.filter(approved_go_live_at__isnull=False).exists()


def test_an_approved_go_live_time_publishes_on_time(people, cases):
    case = _draft(cases, people["editor"])
    case.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    case.save_revision(user=people["editor"])
    submit_for_review(case, by=people["editor"])
    approve_review(case, by=people["reviewer"])
    case.refresh_from_db()
    assert not case.live
    revision = case.revisions.get(approved_go_live_at__isnull=False)
    past = timezone.now() - datetime.timedelta(minutes=1)  # an hour passes
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    from cms.tasks import publish_scheduled_pages

    publish_scheduled_pages()
    case.refresh_from_db()
    assert case.live


# The API


def test_no_graphql_mutation_writes_pages():
    from api.schema import schema

    names = set(schema.graphql_schema.mutation_type.fields)
    assert names and not {name for name in names if any(w in name.lower() for w in ("page", "publish", "revision"))}


# Commands and imports: what the demo loader used to do


def test_publishing_in_code_skipping_permission_checks_is_refused(people, cases):
    case = _draft(cases, people["editor"])
    with pytest.raises(ReviewRequired):
        case.get_latest_revision().publish(user=people["editor"], skip_permission_checks=True)
    with pytest.raises(ReviewRequired):
        case.get_latest_revision().publish()
    case.refresh_from_db()
    assert not case.live


def test_saving_a_case_live_in_code_is_refused(people, cases):
    case = _draft(cases, people["editor"])
    case.live = True
    case.live_revision = case.get_latest_revision()
    with pytest.raises(ReviewRequired):
        case.save()
    assert not Page.objects.get(pk=case.pk).live


# The reviewer's list (the dashboard's panel): its queries do not grow with the number of pages waiting


def test_the_reviewers_waiting_list_takes_the_same_queries_for_one_or_four_pages(people, cases):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.models import ReviewTask

    def waiting():
        reviewer = type(people["reviewer"]).objects.get(pk=people["reviewer"].pk)  # no cached group checks
        with CaptureQueriesContext(connection) as queries:
            count = len(ReviewTask.objects.get().get_task_states_user_can_moderate(reviewer))
        return count, len(queries)

    for n in range(4):
        submit_for_review(_draft(cases, people["editor"], title=f"待审案例{n}"), by=people["editor"])
        if n == 0:
            one = waiting()
    four = waiting()
    assert (one[0], four[0]) == (1, 4)
    assert four[1] == one[1] <= 6
