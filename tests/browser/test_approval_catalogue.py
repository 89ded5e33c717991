"""Issue 16: an administrator cannot promise an item in fewer working days than its procedure steps take; the
admin says why in Chinese (desktop admin: 审批事项目录 → 审批事项 → the item)."""

from decimal import Decimal

from playwright.sync_api import expect

from approvals.models import ApprovalItem, ItemStep
from directory.models import Department, DepartmentKind


def test_an_item_whose_steps_do_not_fit_its_promise_is_refused_with_the_reason(
    site, page, screenshot, django_user_model
):
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    bureau = Department.objects.create(code="QH-SJJ", name="市市场监督管理局", kind=DepartmentKind.BUREAU, parent=city)
    item = ApprovalItem.objects.create(
        code="QH-SJJ-009",
        name="个体工商户设立登记",
        department=bureau,
        theme="business",
        legal_basis="《促进个体工商户发展条例》",
        conditions="申请人具有相应的民事行为能力",
        statutory_days=15,
        promised_days=5,
        fee=Decimal("0"),
    )
    for order, (name, days) in enumerate([("受理审查", 2), ("审核决定", 2)], 1):
        ItemStep.objects.create(item=item, order=order, name=name, working_days=days).departments.add(bureau)
    django_user_model.objects.create_superuser("admin", "admin@example.cn", "secret-pass-1")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")

    page.get_by_role("button", name="审批事项目录").click()
    page.get_by_role("link", name="审批事项", exact=True).click()
    page.get_by_role("link", name="QH-SJJ-009").click()
    page.get_by_label("承诺时限（工作日）").fill("1")
    page.get_by_role("button", name="保存").first.click()
    error = page.locator(".w-field__errors", has_text="办理环节")
    expect(error).to_contain_text("办理环节共需 4 个工作日（2 + 2），超过承诺时限 1 个工作日")
    error.scroll_into_view_if_needed()
    screenshot("admin-approval-item-steps-too-long")
    item.refresh_from_db()
    assert item.promised_days == 5

    page.get_by_label("承诺时限（工作日）").fill("4")
    page.get_by_role("button", name="保存").first.click()
    expect(page.locator(".messages")).to_be_visible()
    item.refresh_from_db()
    assert item.promised_days == 4
