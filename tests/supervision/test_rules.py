"""Each rule: one case that fires and one that does not."""

import pytest

from supervision.models import Finding
from supervision.rules import RefusalRateOutlier
from tests.directory.factories import DepartmentFactory
from tests.supervision.factories import at, make_event, publish, start, stop

pytestmark = pytest.mark.django_db


def fired(code):
    return Finding.objects.filter(rule=code).count()


def test_r01_accepted_without_materials():
    publish(make_event("application.accepted", payload={"materials_missing": []}))
    assert fired("R01") == 0
    publish(make_event("application.accepted", payload={"materials_missing": ["营业执照副本"]}))
    assert fired("R01") == 1
    assert "营业执照副本" in Finding.objects.get(rule="R01").message


def test_r02_step_finished_too_fast():
    publish(make_event("step.started", clocks=[start("approvals.step:1", at(day=27))]))
    publish(make_event("step.approved", occurred_at=at(minute=30), clocks=[stop("approvals.step:1")]))
    assert fired("R02") == 0
    publish(make_event("step.started", clocks=[start("approvals.step:2", at(day=27))]))
    publish(make_event("step.approved", occurred_at=at(second=40), clocks=[stop("approvals.step:2")]))
    assert fired("R02") == 1


def test_r03_outside_office_hours():
    publish(make_event("step.approved", actor_id=5, occurred_at=at(hour=10)))
    publish(make_event("application.submitted", actor_id=None, occurred_at=at(hour=23)))  # an applicant at night
    assert fired("R03") == 0
    publish(make_event("step.approved", actor_id=5, occurred_at=at(hour=22)))
    publish(make_event("step.approved", actor_id=5, occurred_at=at(day=28, hour=10)))  # a Saturday
    assert fired("R03") == 2


def test_r04_actor_outside_the_handling_department(bureau, city):
    unit = DepartmentFactory(code="QH-SJJ-1", name="登记注册科", parent=bureau, kind="bureau")
    other = DepartmentFactory(code="QH-ZJJ", name="市住建局", parent=city)
    publish(make_event("step.approved", actor_id=5, department_id=bureau.pk, payload={"actor_department_id": unit.pk}))
    publish(
        make_event("step.approved", actor_id=5, department_id=bureau.pk, payload={"actor_department_id": bureau.pk})
    )
    assert fired("R04") == 0
    publish(make_event("step.approved", actor_id=5, department_id=bureau.pk, payload={"actor_department_id": other.pk}))
    assert fired("R04") == 1


def test_r05_second_supplement_request():
    publish(make_event("application.supplement_requested", payload={"supplement_count": 1}))
    assert fired("R05") == 0
    publish(make_event("application.supplement_requested", payload={"supplement_count": 2, "justification": ""}))
    assert fired("R05") == 1


def test_r06_fee_differs_from_the_published_fee():
    publish(make_event("application.accepted", payload={"fee_charged": "0.00", "fee_published": "0"}))
    assert fired("R06") == 0
    publish(make_event("application.accepted", payload={"fee_charged": "200.00", "fee_published": "0.00"}))
    assert fired("R06") == 1


def test_r07_decision_without_legal_basis():
    publish(
        make_event("step.refused", payload={"decision": "refused", "legal_basis": "《食品经营许可管理办法》第十条"})
    )
    publish(make_event("application.submitted"))
    assert fired("R07") == 0
    publish(make_event("application.refused", payload={"decision": "refused", "legal_basis": " "}))
    assert fired("R07") == 1


def test_r08_change_after_completion():
    subject = "approvals.application:42"
    publish(make_event("application.completed", subject=subject, occurred_at=at(hour=11), payload={"final": True}))
    publish(make_event("application.rated", subject=subject, occurred_at=at(hour=12), payload={"rating": 5}))
    publish(make_event("step.approved", subject=subject, occurred_at=at(hour=10), payload={"legal_basis": "x"}))
    assert fired("R08") == 0
    publish(make_event("step.refused", subject=subject, occurred_at=at(hour=15), payload={"legal_basis": "x"}))
    assert fired("R08") == 1


def _decisions(actor, approved, refused, item="approvals.item:1"):
    for _n in range(approved):
        publish(
            make_event("step.approved", actor_id=actor, item=item, occurred_at=at(day=20), payload={"legal_basis": "x"})
        )
    for _n in range(refused):
        publish(
            make_event("step.refused", actor_id=actor, item=item, occurred_at=at(day=20), payload={"legal_basis": "x"})
        )


def test_r09_refusal_rate_far_above_peers():
    _decisions(1, 18, 2)
    _decisions(2, 17, 3)
    _decisions(3, 16, 4)
    assert RefusalRateOutlier().run(now=at()) == []
    _decisions(4, 8, 12)
    findings = RefusalRateOutlier().run(now=at())
    assert [f.actor_id for f in findings] == [4]
    assert RefusalRateOutlier().run(now=at()) == []  # once per month


def test_every_rule_has_a_code_description_and_severity():
    from supervision.rules import ALL_RULES

    codes = [rule.code for rule in ALL_RULES]
    assert sorted(codes) == [f"R{n:02d}" for n in range(1, 11)]
    assert all(rule.description and rule.severity for rule in ALL_RULES)


def test_r08_also_when_the_final_event_arrives_after_the_change():
    subject = "approvals.application:43"
    publish(make_event("step.refused", subject=subject, occurred_at=at(hour=15), payload={"legal_basis": "x"}))
    assert fired("R08") == 0
    publish(make_event("application.completed", subject=subject, occurred_at=at(hour=11), payload={"final": True}))
    finding = Finding.objects.get(rule="R08")
    assert finding.event.kind == "step.refused"
