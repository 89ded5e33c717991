import re

import pytest
from playwright.sync_api import expect

from tests.approvals.conftest import _media, city, decide_every_step, item, make_staff, staff, submit  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def case(site, submit, staff):  # noqa: F811
    from approvals import services

    submission = submit()
    app = services.accept_application(submission.application, by=staff.window)
    services.take_step(app.steps.get(order=1), by=staff.sjj)
    return app, submission.code


def test_catalogue_and_item_page_on_a_phone(site, item, page, screenshot):  # noqa: F811
    page.goto(f"{site.url}/approvals/")
    expect(page.get_by_role("link", name=re.compile("食品经营许可"))).to_be_visible()
    screenshot("approvals-catalogue")
    page.get_by_role("link", name=re.compile("食品经营许可")).click()
    expect(page.locator("svg[role=img]")).to_be_visible()
    screenshot("approvals-item")


def test_track_in_the_app_and_on_the_page(site, case, page, screenshot):
    app, code = case
    page.goto(f"{site.url}/app/approvals/track")
    page.get_by_label("受理编号").fill(app.tracking_number)
    page.get_by_label("查询密码").fill("WRONG999")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".field-error")).not_to_be_empty()
    page.get_by_label("查询密码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("市市场监督管理局").first).to_be_visible()
    screenshot("approvals-app-track")
    page.goto(f"{site.url}/approvals/track/{app.tracking_number}/")  # the app's lookup opened this session
    expect(page.locator("ol.ap-timeline li").first).to_be_visible()
    screenshot("approvals-track")


def test_handler_decides_in_the_admin(site, case, staff, page, screenshot):  # noqa: F811
    app, _code = case
    staff.sjj.set_password("pw-handler-1")
    staff.sjj.save()
    page.goto(f"{site.url}/admin/login/")
    page.fill("input[name=username]", staff.sjj.username)
    page.fill("input[name=password]", "pw-handler-1")
    page.click("button[type=submit]")
    page.goto(f"{site.url}/admin/approvals/{app.pk}/")
    screenshot("approvals-admin-case")
    page.check("input[name=decision][value=approve]")
    page.fill("textarea[name=opinion]", "材料齐全，符合条件")
    page.fill("input[name=legal_basis]", "《食品安全法》第三十五条")
    page.get_by_role("button", name=re.compile("Record the decision|记录")).click()
    app.refresh_from_db()
    assert app.steps.filter(order=2).count() == 2


def test_app_catalogue_pages_filters_by_department_and_groups_places(site, item, city, page, screenshot):  # noqa: F811
    from approvals.models import ApprovalItem
    from directory.models import Department, DepartmentKind

    for n in range(39):
        ApprovalItem.objects.create(
            code=f"QH-X-{n:03d}", name=f"测试事项{n}", department=city.zjj if n < 15 else city.wjw, theme="business",
            legal_basis="法", conditions="条件", statutory_days=10, promised_days=5,
        )  # fmt: skip
    for c, county in enumerate(["清河区", "东湖区", "白石县"]):
        parent = Department.objects.create(code=f"QH-C{c}", name=county, kind=DepartmentKind.COUNTY, parent=city.city)
        for t in range(5):
            township = Department.objects.create(
                code=f"QH-C{c}-{t}", name=f"{county[:2]}{t + 1}镇", kind=DepartmentKind.TOWNSHIP, parent=parent
            )
            item.township_centres.add(
                Department.objects.create(
                    code=f"QH-C{c}-{t}-BM", name="便民服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=township
                )
            )

    page.goto(f"{site.url}/app/approvals")
    expect(page.locator("#ap-total")).to_have_text("共 40 项")
    expect(page.locator("#view .cards .card")).to_have_count(20)
    page.get_by_role("link", name="下一页 ›").click()
    expect(page.locator(".pager")).to_contain_text("第 2 页，共 2 页")
    expect(page.locator("#view .cards .card")).to_have_count(20)
    screenshot("approvals-app-catalogue")
    page.select_option("#ap-department", label="市住房和城乡建设局 (15)")
    expect(page.locator("#ap-total")).to_have_text("共 15 项")
    expect(page.locator(".pager")).to_have_count(0)
    assert "department=" in page.url and "page=" not in page.url
    page.select_option("#ap-department", label="市市场监督管理局 (1)")
    page.locator(".card", has_text="食品经营许可").click()
    expect(page.locator(".places")).to_contain_text("另可在 16 个乡镇（街道）便民服务中心办理")
    expect(page.locator(".place-group", has_text="白石县").locator(".chips li")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("approvals-app-item")
    page.get_by_role("link", name="办件查询").click()
    page.get_by_label("查询密码").fill("ABC123")
    assert page.locator("#ap-c").bounding_box()["height"] >= 40  # a full field, not a sliver
    screenshot("approvals-app-track-form")


@pytest.fixture
def centres(item, city):  # noqa: F811
    from directory.models import Department

    item.is_published = True
    item.save()
    Department.objects.filter(pk=city.centre.pk).update(
        address="清河市清河区滨江大道88号市民中心B座1-3楼",
        phone="0736-68210000",
        opening_hours="周一至周五 9:00-12:00，13:30-17:00；周六 9:00-12:00（仅受理）",
    )
    Department.objects.filter(pk=city.township_centre.pk).update(
        address="清河市临江县临江镇沿江路168号",
        phone="0736-68240001",
        opening_hours="周一至周五 8:30-12:00，14:00-17:30",
    )


def test_item_page_shows_each_centre_s_address_hours_and_phone(site, centres, page, screenshot):
    page.goto(f"{site.url}/approvals/")
    page.get_by_role("link", name=re.compile("食品经营许可")).click()
    places = page.locator(".ap-places")
    expect(places).to_contain_text("清河市清河区滨江大道88号市民中心B座1-3楼")
    expect(places.get_by_role("link", name="0736-68210000")).to_have_attribute("href", "tel:073668210000")
    expect(places).to_contain_text("近期休息：")
    places.get_by_text("临江镇", exact=True).click()
    expect(places.get_by_role("link", name="0736-68240001")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    places.scroll_into_view_if_needed()
    screenshot("approvals-item-centres")


def test_app_item_shows_each_centre_s_address_hours_and_phone(site, centres, page, screenshot):
    page.goto(f"{site.url}/app/approvals")
    page.locator(".card", has_text="食品经营许可").click()
    app_places = page.locator(".places")
    expect(app_places.get_by_role("link", name="0736-68210000")).to_have_attribute("href", "tel:073668210000")
    expect(app_places).to_contain_text("法定节假日休息")
    app_places.get_by_text("临江镇", exact=True).click()
    expect(app_places).to_contain_text("清河市临江县临江镇沿江路168号")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("approvals-app-item-centres")


def test_the_window_issues_a_decided_case_from_its_dashboard(site, submit, staff, page, screenshot):  # noqa: F811
    from approvals import services

    app = decide_every_step(services.accept_application(submit().application, by=staff.window), staff)
    page.goto(f"{site.url}/admin/login/")
    page.fill("input[name=username]", staff.window.username)
    page.fill("input[name=password]", "x")
    page.click("button[type=submit]")
    panel = page.locator("[data-work-panel=approvals-to-complete]")
    expect(panel).to_contain_text("待办结")
    screenshot("approvals-dashboard-to-complete")
    panel.get_by_role("link", name=re.compile(app.tracking_number)).click()
    page.locator("input[type=file][name=document]").set_input_files(
        {"name": "行政许可决定书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_text("已办结").first).to_be_visible()
    app.refresh_from_db()
    assert app.state == "completed"
    page.goto(f"{site.url}/admin/")
    expect(page.locator("[data-work-panel=approvals-to-complete]")).to_contain_text("没有待办结的办件。")
