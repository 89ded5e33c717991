"""Issue 16: an item's steps must fit its promise, and the applicant is told one deadline (SMS, page, app)."""

import tomllib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals import services
from approvals.catalogue import fit_problem, procedure_days
from approvals.checks import catalogue_fit_check, items_that_do_not_fit
from approvals.models import ItemStep
from approvals.services import timing
from approvals.tracking import tracking_for
from sms.models import Notice
from tests.approvals.conftest import local


def item_form(item, **changes):
    data = {
        "code": item.code,
        "name": item.name,
        "department": item.department_id,
        "theme": item.theme,
        "summary": item.summary,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "statutory_days": item.statutory_days,
        "promised_days": item.promised_days,
        "fee": "0",
        "fee_basis": "",
        "handling_mode": item.handling_mode,
        "at_city_centre": "on",
        "township_centres": [c.pk for c in item.township_centres.all()],
        "is_published": "on",
    }
    return {**data, **changes}


@pytest.fixture
def admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief", password="x"))
    return client


def test_a_parallel_review_counts_once_by_its_longest_branch():
    assert procedure_days([(1, 2), (2, 3), (2, 5), (3, 1)]) == 8
    assert fit_problem(8, [(1, 2), (2, 5), (3, 1)]) == ""
    assert "8" in fit_problem(7, [(1, 2), (2, 5), (3, 1)])


def test_an_item_promising_less_than_its_steps_take_cannot_be_saved_in_the_admin(admin, item):
    url = reverse("approval_items:edit", args=[item.pk])
    response = admin.post(url, item_form(item, promised_days=1), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert "办理环节共需 5 个工作日" in page and "超过承诺时限 1 个工作日" in page
    item.refresh_from_db()
    assert item.promised_days == 5
    assert admin.post(url, item_form(item, promised_days=6)).status_code == 302
    item.refresh_from_db()
    assert item.promised_days == 6


def test_a_step_that_would_overrun_the_promise_cannot_be_saved_in_the_admin(admin, item, city):
    step = item.steps.get(order=1)
    url = reverse("approval_steps:edit", args=[step.pk])
    data = {"item": item.pk, "order": 1, "name": "审查", "role": step.role, "departments": [city.sjj.pk]}
    response = admin.post(url, {**data, "working_days": 3})
    assert response.status_code == 200 and "working_days" in response.context["form"].errors
    step.refresh_from_db()
    assert step.working_days == 2
    assert admin.post(url, {**data, "working_days": 1}).status_code == 302


def test_the_data_check_and_the_command_list_items_saved_before_the_rule(item, capsys):
    assert items_that_do_not_fit() == [] and catalogue_fit_check(databases=["default"]) == []
    ItemStep.objects.filter(item=item, order=2).update(working_days=9)
    [(found, problem)] = items_that_do_not_fit()
    assert found == item and "11" in problem
    [warning] = catalogue_fit_check(databases=["default"])
    assert warning.id == "approvals.W001" and item.code in warning.msg
    assert catalogue_fit_check(databases=None) == []  # plain `check` does not touch the database
    with pytest.raises(SystemExit):
        call_command("catalogue_fit")
    assert item.code in capsys.readouterr().out


def test_every_demo_item_fits_its_promise():
    data = tomllib.loads((Path(__file__).parents[2] / "approvals" / "demo_data.toml").read_text())
    for row in data["item"]:
        steps = [(n, s["working_days"]) for n, s in enumerate(data["procedure"][row["procedure"]], 1)]
        assert fit_problem(row["promised_days"], steps) == "", row["name"]


def test_the_applicant_is_told_one_deadline_by_sms_on_the_page_and_in_the_app(client, monkeypatch, submit, staff):
    from api.schema import schema  # noqa: F401 (the app reads tracking_for through GraphQL)

    monkeypatch.setattr(timing, "now", lambda: local(2026, 12, 3, 10, 0))
    submission = submit()
    app = services.accept_application(submission.application, by=staff.window)
    promise = app.due_at.astimezone(local(2026, 1, 1).tzinfo)
    # The first stage is decided on its last day: the joint review's own clock would run past the promise.
    monkeypatch.setattr(timing, "now", lambda: local(2026, 12, 7, 16, 0))
    services.decide_step(app.steps.get(order=1), by=staff.sjj, approve=True, opinion="同意", legal_basis="法")
    assert all(step.due_at > promise for step in app.steps.filter(order=2))
    view = tracking_for(app.pk)
    assert view.due_at == promise and {s.due_at for s in view.current_steps} == {promise}
    event = app.events.get(kind="application.accepted")
    accepted = Notice.objects.get(key=f"approvals.application:{app.pk}:event:{event.pk}")
    assert promise.strftime("%Y-%m-%d %H:%M") in accepted.body
    client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": submission.code})
    page = client.get(reverse("approvals:track_detail", args=[app.tracking_number])).content.decode()
    assert promise.strftime("%Y-%m-%d %H:%M") in page
    later = {step.due_at.astimezone(promise.tzinfo).strftime("%Y-%m-%d %H:%M") for step in app.steps.filter(order=2)}
    assert not any(text in page for text in later)
