"""The work dashboard (工作台), one journey per role at desktop size in Chinese: from the admin home, one click to
the most urgent item, then its action. Only the first URL (the admin home) is typed."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.approvals.conftest import _media, city, item, make_staff, staff, submit  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def shot(page, name):
    directory = Path(os.environ.get("SCREENSHOT_DIR", ".screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"))


def sign_in(page, site, user, password="pw-dash-2026"):
    """Open the admin home (the one typed URL), sign in there and land on the dashboard."""
    user.set_password(password)
    user.save()
    page.goto(f"{site.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator("[data-work-panel]").first).to_be_visible()


def first_row(page, panel):
    return page.locator(f"[data-work-panel={panel}] .wd-list li").first


def test_a_reviewer_approves_the_campaign_waiting_on_their_dashboard(site, desk):
    from sms.models import Campaign
    from tests.sms.factories_admin import CampaignFactory, user_with_role

    operator, reviewer = user_with_role("sms_operator", "operator"), user_with_role("reviewer", "reviewer")
    campaign = CampaignFactory(
        title="国庆廉洁提醒", status=Campaign.Status.PENDING, created_by=operator, submitted_by=operator
    )
    sign_in(desk, site, reviewer)
    shot(desk, "dashboard-reviewer")
    first_row(desk, "sms-to-review").get_by_role("link", name="国庆廉洁提醒").click()
    desk.get_by_role("button", name="通过").click()
    expect(desk.locator(".messages")).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED and campaign.approved_by == reviewer


def test_the_window_accepts_the_application_due_first(site, desk, staff, submit):  # noqa: F811
    from approvals.models import State, StepKind
    from supervision.models import Clock

    application = submit().application
    step = application.steps.get(kind=StepKind.ACCEPTANCE)
    Clock.objects.filter(key=step.clock_key).update(level="yellow")
    sign_in(desk, site, staff.window)
    row = first_row(desk, "approvals-to-accept")
    expect(row.locator(".wd-card-yellow")).to_be_visible()
    expect(row.locator("time")).to_be_visible()  # the acceptance deadline, not "—"
    shot(desk, "dashboard-window")
    row.get_by_role("link").click()
    desk.get_by_role("button", name="受理", exact=True).click()
    expect(desk.locator(".messages")).to_be_visible()
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


def test_a_handler_decides_their_overdue_step_shown_in_red(site, desk, staff, submit):  # noqa: F811
    from approvals import services
    from approvals.models import ApplicationStep, StepState
    from supervision.models import Clock

    application = services.accept_application(submit().application, by=staff.window)
    step = application.steps.get(order=1)
    ApplicationStep.objects.filter(pk=step.pk).update(due_at=timezone.now() - datetime.timedelta(hours=3))
    Clock.objects.filter(key=step.clock_key).update(level="red")
    sign_in(desk, site, staff.sjj)
    row = first_row(desk, "approvals-my-steps")
    expect(row).to_have_attribute("data-urgency", "3")
    expect(row.locator(".wd-card-red")).to_have_text("红牌")
    shot(desk, "dashboard-handler")
    row.get_by_role("link").click()
    desk.check("input[name=decision][value=approve]")
    desk.fill("textarea[name=opinion]", "材料齐全，符合条件")
    desk.fill("input[name=legal_basis]", "《食品安全法》第三十五条")
    desk.get_by_role("button", name="记录决定").click()
    expect(desk.locator(".messages")).to_be_visible()
    step.refresh_from_db()
    assert step.state == StepState.APPROVED


def test_a_supervisor_opens_the_timeline_of_a_red_card(site, desk, staff, submit, django_user_model):  # noqa: F811
    from approvals import services
    from directory.roles import role_group
    from supervision.models import Clock

    application = services.accept_application(submit().application, by=staff.window)
    step = application.steps.get(order=1)
    Clock.objects.filter(key=step.clock_key).update(level="red")
    supervisor = django_user_model.objects.create_user("supervisor", first_name="赵监察")
    supervisor.groups.add(role_group("supervisor"))
    sign_in(desk, site, supervisor)
    row = first_row(desk, "supervision-cards")
    expect(row.locator(".wd-card-red")).to_be_visible()
    shot(desk, "dashboard-supervisor")
    row.get_by_role("link").click()
    expect(desk.locator("main")).to_contain_text(application.tracking_number)
    assert "subject=approvals.application" in desk.url
    shot(desk, "dashboard-supervisor-timeline")


def test_an_investigator_opens_their_complaint(site, desk, settings, tmp_path, django_user_model):
    from directory.models import Department, DepartmentKind
    from directory.roles import role_group
    from tests.complaints.factories import assigned_complaint

    settings.COMPLAINTS_PRIVATE_ROOT = tmp_path / "private"
    department = Department.objects.create(code="QH-ZJJ", name="市住房和城乡建设局", kind=DepartmentKind.BUREAU)
    investigator = django_user_model.objects.create_user("investigator", first_name="李调查")
    investigator.groups.add(role_group("investigator"))
    complaint = assigned_complaint(department, investigator)
    sign_in(desk, site, investigator)
    row = first_row(desk, "complaints-mine")
    expect(row.locator("time")).to_be_visible()  # the stage deadline
    shot(desk, "dashboard-investigator")
    row.get_by_role("link").click()
    expect(desk.locator("main")).to_contain_text(complaint.reference)
    assert desk.url.endswith(f"/admin/complaints/{complaint.pk}/")


def test_a_moderator_approves_the_waiting_post(site, desk, django_user_model):
    from directory.roles import role_group
    from forum.models import ModerationMode, Post, PostStatus
    from tests.forum.factories import TopicFactory, UserFactory, make_board

    board = make_board("廉政论坛", ModerationMode.PRE, slug="lianzheng")
    TopicFactory(board=board, status=PostStatus.PENDING, title="如何做到廉洁过节", author=UserFactory())
    moderator = django_user_model.objects.create_user("moderator", first_name="版主")
    moderator.groups.add(role_group("moderator"))
    sign_in(desk, site, moderator)
    shot(desk, "dashboard-moderator")
    first_row(desk, "forum-waiting").get_by_role("link").click()
    post = Post.objects.get(topic__title="如何做到廉洁过节")
    desk.locator(f"#post-{post.pk}").get_by_role("button", name="通过").click()
    expect(desk.locator(".messages")).to_be_visible()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
