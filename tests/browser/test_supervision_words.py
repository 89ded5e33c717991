"""Issue 16: a supervisor finds a case by its tracking number from the admin dashboard and reads its timeline in
Chinese words; the audit check says exactly what it verified."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from core.events import Clock, ClockAction, DomainEvent, publish
from directory.models import Department, DepartmentKind
from directory.roles import role_group, sync_roles
from supervision import services
from tests.directory.factories import CadreFactory

DESKTOP = {"width": 1280, "height": 900}
NUMBER = "QF20261126007"
RAW = re.compile(r"\b[a-z]+_?[a-z_]*\.[a-z_]+\b|→ [a-z_]+\b")


def _case():
    now = timezone.now().replace(microsecond=0)
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    bureau = Department.objects.create(code="QH-SJJ", name="市市场监督管理局", kind=DepartmentKind.BUREAU, parent=city)
    facts = {"item": "approvals.item:1", "item_name": "食品经营许可", "reference": NUMBER}
    subject, key = "approvals.application:7", "approvals.step:7"
    start = now - timedelta(days=6)
    publish(
        DomainEvent(
            source="approvals", id=70, kind="application.accepted", occurred_at=start - timedelta(hours=1),
            subject=subject, department_id=bureau.pk, actor_name="窗口 王芳", from_state="submitted",
            to_state="in_review", payload={**facts, "materials_missing": ["营业执照副本"]},
        )
    )  # fmt: skip
    publish(
        DomainEvent(
            source="approvals", id=71, kind="step.started", occurred_at=start, subject=subject,
            department_id=bureau.pk, payload=facts,
            clocks=(Clock(key=key, action=ClockAction.START, due_at=start + timedelta(days=3),
                          label=f"实质审查 · 食品经营许可 · {NUMBER}", department_id=bureau.pk),),
        )
    )  # fmt: skip
    services.sweep()
    return city


def test_supervisor_finds_a_case_by_its_tracking_number_and_checks_the_audit_trail(
    site, page, screenshot, django_user_model
):
    city = _case()
    sync_roles()
    commission = Department.objects.create(code="QH-JW", name="市纪委监委", kind=DepartmentKind.BUREAU, parent=city)
    user = django_user_model.objects.create_user("jiancha", password="secret-pass-1", first_name="王监察")
    user.groups.add(role_group("supervisor"))
    CadreFactory(name="王监察", phone="+8613800000002", department=commission, user=user)

    page.set_viewport_size(DESKTOP)
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "jiancha")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")

    # Admin dashboard -> 电子监察 menu -> 案件时间线 -> the tracking number people quote.
    page.get_by_role("button", name="电子监察").click()
    page.get_by_role("link", name="案件时间线").click()
    page.fill("#sv-subject", NUMBER.lower())
    page.get_by_role("button", name="查看", exact=True).click()
    timeline = page.locator("[data-timeline]")
    expect(timeline).to_contain_text("已受理")
    expect(timeline).to_contain_text("审查中")  # the state reached, as a word
    expect(timeline).to_contain_text("开始计时")
    expect(page.locator("main h2").first).to_have_text(NUMBER)
    text = page.locator("main").inner_text()
    assert RAW.findall(text) == [], RAW.findall(text)
    screenshot("supervision-timeline-by-number")

    # The audit check says what it verified: no checkpoint yet, so only the chain's own consistency.
    page.get_by_role("button", name="电子监察").click()
    page.get_by_role("link", name="审计链校验").click()
    page.get_by_role("button", name="立即校验整条审计链").click()
    expect(page.locator('[data-result="intact"]')).to_contain_text("条记录")
    expect(page.locator('[data-checkpoints="0"]')).to_contain_text("尚无签名检查点")
    assert "SUPERVISION_" not in page.locator("main").inner_text()
    screenshot("supervision-audit-check")
