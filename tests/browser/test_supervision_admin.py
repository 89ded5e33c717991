from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from core.events import Clock, ClockAction, DomainEvent, publish
from directory.models import Department, DepartmentKind
from supervision import services

STEPS = [
    # (department, item, steps: (days started ago, working days allowed, finished days ago or None))
    ("市市场监督管理局", "食品经营许可", [(9, 5, None), (6, 5, None), (8, 3, 4), (12, 5, 9), (3, 5, None)]),
    ("市住房和城乡建设局", "建筑工程施工许可", [(15, 5, None), (20, 10, 2), (11, 5, None), (9, 3, 1)]),
    ("市自然资源和规划局", "建设工程规划许可", [(4, 10, None), (14, 10, 6), (10, 10, 3)]),
]


def make_activity():
    now = timezone.now().replace(microsecond=0)
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    n = 0
    for d, (name, item, steps) in enumerate(STEPS):
        department = Department.objects.create(code=f"D{d}", name=name, kind=DepartmentKind.BUREAU, parent=city)
        for started, allowed, finished in steps:
            n += 1
            subject, key = f"approvals.application:{n}", f"approvals.step:{n}"
            label = f"实质审查 · {item} · QF2026112{n:04d}"
            payload = {"item": f"approvals.item:{d}", "item_name": item, "reference": f"QF2026112{n:04d}"}
            start = now - timedelta(days=started)
            publish(
                DomainEvent(
                    source="approvals",
                    id=n * 10,
                    kind="application.accepted",
                    occurred_at=start - timedelta(hours=1),
                    subject=subject,
                    department_id=department.pk,
                    actor_name="窗口 王芳",
                    payload={**payload, "materials_missing": ["营业执照副本"] if n == 2 else []},
                )
            )
            publish(
                DomainEvent(
                    source="approvals",
                    id=n * 10 + 1,
                    kind="step.started",
                    occurred_at=start,
                    subject=subject,
                    department_id=department.pk,
                    payload=payload,
                    clocks=(
                        Clock(
                            key=key,
                            action=ClockAction.START,
                            due_at=start + timedelta(days=allowed * 7 // 5),
                            label=label,
                            department_id=department.pk,
                            policy=payload["item"],
                        ),
                    ),
                )
            )
            if finished is not None:
                publish(
                    DomainEvent(
                        source="approvals",
                        id=n * 10 + 2,
                        kind="step.approved",
                        occurred_at=now - timedelta(days=finished),
                        subject=subject,
                        department_id=department.pk,
                        payload={
                            **payload,
                            "decision": "approved",
                            "legal_basis": "《中华人民共和国行政许可法》第三十八条",
                        },
                        clocks=(Clock(key=key, action=ClockAction.STOP),),
                    )
                )
    services.sweep()


def test_supervision_dashboard_timeline_and_ranking_on_a_phone(site, page, screenshot, django_user_model, settings):
    settings.SUPERVISION_MIN_VOLUME = 1
    make_activity()
    django_user_model.objects.create_superuser("supervisor", "s@example.cn", "secret-pass-1")
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")
    page.goto(site.url + "/admin/supervision/")
    expect(page.locator("[data-tile=red] strong")).not_to_have_text("0")
    screenshot("supervision-dashboard")

    page.goto(site.url + "/admin/supervision/timeline/?subject=approvals.application:2")
    expect(page.locator("[data-timeline] strong", has_text="已受理").first).to_be_visible()
    screenshot("supervision-timeline")

    page.goto(site.url + "/admin/supervision/performance/?period=year")
    expect(page.locator("[data-ranking] tbody tr")).to_have_count(3)
    screenshot("supervision-performance")
