import pytest
from django.urls import reverse

from supervision import services
from supervision.models import Finding, SupervisionCase
from tests.supervision.factories import at, make_event, publish, start, stop

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def _activity(bureau, handler, n=3):
    for i in range(n):
        key = f"approvals.step:{i}"
        publish(
            make_event(
                "step.started",
                subject=f"approvals.application:{i}",
                department_id=bureau.pk,
                clocks=[start(key, at(day=27), department_id=bureau.pk, handler_id=handler.pk)],
            )
        )
    publish(
        make_event(
            "application.accepted",
            subject="approvals.application:0",
            department_id=bureau.pk,
            payload={"materials_missing": ["身份证明"]},
        )
    )
    services.sweep(now=at(day=27, hour=11))


def test_dashboard_counts_and_drill_down(supervisor_client, bureau, handler):
    _activity(bureau, handler)
    response = supervisor_client.get(reverse("supervision_dashboard"))
    assert response.status_code == 200
    tiles = {t["key"]: t["n"] for t in response.context["tiles"]}
    assert tiles["open"] == 3 and tiles["red"] == 1 and tiles["yellow"] == 2 and tiles["findings"] == 1
    clocks = supervisor_client.get(reverse("supervision_clock:index") + "?level=yellow")
    assert clocks.status_code == 200 and "实质审查" in clocks.content.decode()


def test_lists_do_not_grow_their_queries_with_rows(supervisor_client, bureau, handler, django_assert_max_num_queries):
    _activity(bureau, handler, n=12)
    for name in ("supervision_clock", "supervision_alert", "supervision_finding", "supervision_event"):
        with django_assert_max_num_queries(40):
            assert supervisor_client.get(reverse(f"{name}:index")).status_code == 200


def test_timeline_shows_events_clocks_and_alerts(supervisor_client, bureau, handler):
    _activity(bureau, handler)
    response = supervisor_client.get(reverse("supervision_timeline") + "?subject=approvals.application:0")
    html = response.content.decode()
    from core.events import label_for

    assert label_for("step.started") in html and label_for("application.accepted") in html
    assert "step.started" not in html and "application.accepted" not in html and "approvals.step:0" not in html
    assert "data-timeline" in html


def test_a_non_supervisor_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("someone", password="x")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    for name in ("supervision_dashboard", "supervision_performance", "supervision_audit", "supervision_timeline"):
        assert client.get(reverse(name)).status_code in (302, 403)


def test_audit_page_names_the_first_problem(supervisor_client, bureau, handler):
    _activity(bureau, handler)
    from supervision.models import AuditRecord

    AuditRecord.objects.filter(seq=2).update(data='{"forged":true}')
    response = supervisor_client.post(reverse("supervision_audit"))
    html = response.content.decode()
    assert 'data-result="tampered"' in html and "#2" in html


def test_open_and_close_a_case(supervisor_client, bureau, handler):
    _activity(bureau, handler)
    finding = Finding.objects.get(rule="R01")
    response = supervisor_client.post(reverse("supervision_case_open"), {"finding": finding.pk, "title": ""})
    assert response.status_code == 200  # a title is required
    response = supervisor_client.post(
        reverse("supervision_case_open"), {"finding": finding.pk, "title": "专项监察：缺件受理"}
    )
    case = SupervisionCase.objects.get()
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.case == case and finding.status == Finding.Status.IN_CASE
    url = reverse("supervision_case_detail", args=[case.pk])
    supervisor_client.post(url, {"close": "1", "outcome": "", "accountability": "admonition"})
    case.refresh_from_db()
    assert case.status == SupervisionCase.Status.OPEN
    supervisor_client.post(
        url,
        {
            "close": "1",
            "outcome": "经核实，窗口人员违规受理，已整改。",
            "accountability": "admonition",
            "accountable_person": "张某",
        },
    )
    case.refresh_from_db()
    assert case.status == SupervisionCase.Status.CLOSED and case.accountability == "admonition"
    from supervision.models import AuditRecord

    assert AuditRecord.objects.filter(kind="case.closed", ref=f"supervision.case:{case.pk}").exists()


def test_home_page_panel(supervisor_client, bureau, handler):
    _activity(bureau, handler)
    response = supervisor_client.get(reverse("wagtailadmin_home"))
    assert "sv-tiles" in response.content.decode()


def test_threshold_admin_reschedules(supervisor_client, bureau, handler, django_capture_on_commit_callbacks):
    _activity(bureau, handler, n=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(
            reverse("supervision_threshold:add"),
            {
                "policy": "approvals.item:1",
                "name": "食品经营许可",
                "warning_working_days": 2,
                "warning_percent": 20,
                "red_working_days": 5,
                "yellow_cards_for_red": 3,
                "min_step_minutes": 5,
            },
        )
    assert response.status_code == 302


def test_stop_event_listed_in_timeline(supervisor_client, bureau):
    publish(make_event("step.started", clocks=[start("approvals.step:9", at(day=27))]))
    publish(
        make_event(
            "step.approved", occurred_at=at(day=25), clocks=[stop("approvals.step:9")], payload={"legal_basis": "x"}
        )
    )
    html = supervisor_client.get(reverse("supervision_timeline") + "?subject=approvals.application:1").content.decode()
    from core.events import clock_action_label, label_for

    assert label_for("step.approved") in html and clock_action_label("stop") in html
    assert "step.approved" not in html


def test_the_timeline_links_to_the_source_when_it_registers_a_resolver(supervisor_client, bureau):
    from wagtail import hooks

    publish(make_event("application.submitted", subject="approvals.application:5"))
    publish(make_event("case.opened", subject="other.case:9"))

    # Approvals registers its own resolver; another platform can answer for its subjects the same way.
    html = supervisor_client.get(reverse("supervision_timeline") + "?subject=approvals.application:5").content
    assert reverse("approvals_admin:detail", args=[5]).encode() in html

    def resolve(subject):
        return f"/admin/other/{subject.split(':')[1]}/" if subject.startswith("other.") else None

    with hooks.register_temporarily("supervision_subject_url", resolve):
        html = supervisor_client.get(reverse("supervision_timeline") + "?subject=other.case:9").content
    assert b"/admin/other/9/" in html
    # A kind nobody named shows as a neutral word, never as its code.
    assert b"case.opened" not in html


def test_dashboard_queries_are_bounded(supervisor_client, bureau, handler, django_assert_max_num_queries):
    _activity(bureau, handler, n=10)
    with django_assert_max_num_queries(30):
        assert supervisor_client.get(reverse("supervision_dashboard")).status_code == 200


def test_threshold_form_refuses_a_percentage_above_100(supervisor_client):
    response = supervisor_client.post(
        reverse("supervision_threshold:add"),
        {
            "policy": "",
            "name": "全局",
            "warning_working_days": 1,
            "warning_percent": 150,
            "red_working_days": 3,
            "yellow_cards_for_red": 3,
            "min_step_minutes": 5,
        },
    )
    assert response.status_code == 200
    from supervision.models import ThresholdPolicy

    assert not ThresholdPolicy.objects.exists()


def test_dismiss_a_finding_with_a_reason(supervisor_client, bureau, handler):
    from supervision.models import AuditRecord

    _activity(bureau, handler)
    finding = Finding.objects.get(rule="R01")
    url = reverse("supervision_finding_dismiss", args=[finding.pk])
    supervisor_client.post(url, {"reason": ""})
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    supervisor_client.post(url, {"reason": "材料已在受理当日补齐，属系统录入延迟。"})
    finding.refresh_from_db()
    assert finding.status == Finding.Status.DISMISSED
    assert AuditRecord.objects.filter(kind="finding.dismissed").count() == 1
