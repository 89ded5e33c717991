"""好差评 at every step: the applicant rates each finished step and the whole case; ratings reach the department's
queue and supervision (a bad rating alleging misconduct raises finding R10)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals import services
from approvals.models import ApplicationEvent, Rating
from supervision.models import Finding
from tests.approvals.conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(submit, staff):
    """A case accepted and through its first review step (by 市市场监督管理局); the joint review still open."""
    submission = submit()
    app = services.accept_application(submission.application, by=staff.window)
    review = app.steps.get(order=1)
    services.decide_step(review, by=staff.sjj, approve=True, opinion="符合条件", legal_basis="食品安全法第35条")
    return submission, app, review


def test_each_finished_step_is_rated_once_with_its_reasons_and_reaches_supervision(reviewed, published):
    _submission, app, review = reviewed
    acceptance = app.steps.get(order=0)
    assert [s.pk for s in services.rateable_steps(app)] == [acceptance.pk, review.pk]

    rating = services.rate(app, step=review, rating=4, reasons=["fast", "clear"], comment="很清楚")
    assert (rating.department, rating.stars, rating.is_bad, rating.misconduct) == (review.department, 4, False, False)
    event = ApplicationEvent.objects.get(application=app, kind="step.rated")
    assert event.step == review and event.department == review.department
    assert published[-1].kind == "step.rated" and published[-1].payload["reasons"] == ["fast", "clear"]
    assert published[-1].payload["misconduct"] == []

    with pytest.raises(ValidationError) as refused:
        services.rate(app, step=review, rating=5)
    assert refused.value.code == "already_rated"
    open_step = app.steps.get(order=2, department__code="QH-ZJJ")
    with pytest.raises(ValidationError) as unfinished:
        services.rate(app, step=open_step, rating=5)
    assert unfinished.value.code == "not_rateable"
    assert Rating.objects.count() == 1 and not Finding.objects.filter(rule="R10").exists()


def test_a_bad_rating_needs_a_bad_reason_and_misconduct_raises_a_finding(reviewed):
    _submission, app, review = reviewed
    for stars, reasons in [(2, []), (1, ["fast"]), (5, ["bribe"]), (0, []), ("x", [])]:
        with pytest.raises(ValidationError):
            services.rate(app, step=review, rating=stars, reasons=reasons)
    assert not Rating.objects.exists()

    services.rate(app, step=review, rating=1, reasons=["slow", "bribe"], comment="暗示要红包")
    finding = Finding.objects.get(rule="R10")
    assert finding.department_id == review.department_id and finding.severity == "high"
    assert "索要财物" in finding.message or "Asked for money" in finding.message
    assert "暗示要红包" in finding.message

    acceptance = app.steps.get(order=0)
    services.rate(app, step=acceptance, rating=2, reasons=["slow"])  # bad, but no misconduct: no finding
    assert Finding.objects.filter(rule="R10").count() == 1


def test_a_resend_with_the_same_key_gives_the_first_rating(reviewed):
    _submission, app, review = reviewed
    first = services.rate(app, step=review, rating=5, reasons=["fast"], idempotency_key="k" * 32)
    again = services.rate(app, step=review, rating=1, reasons=["bribe"], idempotency_key="k" * 32)
    assert again.pk == first.pk and Rating.objects.count() == 1
    assert ApplicationEvent.objects.filter(kind="step.rated").count() == 1


def test_the_whole_case_is_rated_after_completion(reviewed, staff):
    _submission, app, _review = reviewed
    with pytest.raises(ValidationError):
        services.rate_application(app, rating=5)
    for step in app.steps.filter(state="active"):
        who = staff.zjj if step.department.code == "QH-ZJJ" else staff.wjw
        services.decide_step(step, by=who, approve=True, opinion="同意", legal_basis="法规")
    app.refresh_from_db()
    app = services.complete_application(app, by=staff.window, document=pdf())
    app = services.rate_application(app, rating=3, reasons=["online"], comment="还行")
    assert app.rating == 3
    case = Rating.objects.get(application=app, step__isnull=True)
    assert case.department == app.item.department and case.reasons == ["online"]
    with pytest.raises(ValidationError):
        services.rate_application(app, rating=4)


def _track(client, submission):
    client.post(
        reverse("approvals:track"),
        {"tracking_number": submission.application.tracking_number, "code": submission.code},
    )
    return reverse("approvals:track_detail", args=[submission.application.tracking_number])


def test_the_applicant_rates_a_step_on_the_tracking_page_and_nobody_else_can(client, reviewed, django_user_model):
    submission, app, review = reviewed
    url = reverse("approvals:track_detail", args=[app.tracking_number])
    stranger = client.post(url, {"action": "rate", "step": review.pk, f"step{review.pk}-rating": 1})
    assert stranger.status_code == 302 and not Rating.objects.exists()  # sent to the look-up form

    url = _track(client, submission)
    page = client.get(url).content.decode()
    assert "审查" in page and f'name="step" value="{review.pk}"' in page
    bad = client.post(url, {"action": "rate", "step": review.pk, f"step{review.pk}-rating": 1})
    assert bad.status_code == 200 and not Rating.objects.exists()
    assert "至少选择一项" in bad.content.decode() or "choose at least one" in bad.content.decode()

    form = {
        "action": "rate",
        "step": review.pk,
        f"step{review.pk}-rating": 1,
        f"step{review.pk}-bad": ["many_trips", "bribe"],
        f"step{review.pk}-good": ["fast"],  # the other side's reasons are ignored
        f"step{review.pk}-comment": "让我跑了三趟",
        "idempotency_key": "r" * 32,
    }
    assert client.post(url, form).status_code == 302
    rating = Rating.objects.get()
    assert rating.reasons == ["many_trips", "bribe"] and rating.misconduct
    assert client.post(url, form).status_code == 302  # a resend: the first answer, nothing twice
    assert Rating.objects.count() == 1 and Finding.objects.filter(rule="R10").count() == 1
    page = client.get(url).content.decode()
    assert "★☆☆☆☆" in page and f'name="step" value="{review.pk}"' not in page


def test_the_department_sees_its_ratings_and_its_bad_ones_on_the_dashboard(
    client, reviewed, staff, django_assert_max_num_queries
):
    _submission, app, review = reviewed
    services.rate(app, step=review, rating=1, reasons=["bribe"], comment="要红包")
    services.rate(app, step=app.steps.get(order=0), rating=5, reasons=["fast"])

    client.force_login(staff.sjj)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("approvals_admin:ratings")).content.decode()
    assert "要红包" in page and app.tracking_number in page
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "approvals-bad-ratings" in home or "差评" in home
    assert reverse("approvals_admin:ratings") in home

    client.force_login(staff.zjj)  # another department: not its rating
    assert "要红包" not in client.get(reverse("approvals_admin:ratings")).content.decode()
    client.force_login(staff.window)  # the centre's window: its acceptance step's rating only
    page = client.get(reverse("approvals_admin:ratings")).content.decode()
    assert "要红包" not in page and "★★★★★" in page


def test_the_department_answers_a_bad_rating_once_and_the_applicant_reads_it(client, reviewed, staff, published):
    submission, app, review = reviewed
    bad = services.rate(app, step=review, rating=1, reasons=["many_trips"], comment="跑了三趟")
    good = services.rate(app, step=app.steps.get(order=0), rating=5, reasons=["fast"])
    assert good.answer_due_at is None
    # 15 working days on, at the same time of day (the schedule of the year it falls in).
    from core import workdays

    rated = bad.created_at.astimezone(bad.answer_due_at.tzinfo)
    assert workdays.working_days_between(rated.date(), bad.answer_due_at.date()) == 15
    assert bad.answer_due_at.time() == rated.time()

    pending = client.get(_track(client, submission)).content.decode()
    assert "该部门将于" in pending and "前核实整改并回访" in pending  # the applicant sees when the answer is due

    url = reverse("approvals_admin:rating_answer", args=[bad.pk])
    client.logout()
    client.force_login(staff.zjj)  # another department: not even visible
    assert client.get(url).status_code == 404
    client.force_login(staff.sjj)
    ratings_page = client.get(reverse("approvals_admin:ratings") + "?bad=1").content.decode()
    assert url in ratings_page
    refused = client.post(url, {"verdict": "confirmed", "rectification": "已整改", "revisit": ""})
    assert refused.status_code == 200 and "至少10个字" in refused.content.decode()
    assert "请选择回访结果" in refused.content.decode()
    bad.refresh_from_db()
    assert bad.answered_at is None
    answer = {
        "verdict": "confirmed",
        "rectification": "经核实，窗口未一次性告知所需材料。已对经办人批评教育，并在窗口张贴材料清单。",
        "revisit": "satisfied",
    }
    assert client.post(url, answer).status_code == 302
    bad.refresh_from_db()
    assert (bad.verdict, bad.revisit, bad.answered_by) == ("confirmed", "satisfied", staff.sjj)
    assert published[-1].kind == "rating.answered" and published[-1].payload["verdict"] == "confirmed"
    from sms.models import Notice

    answered = ApplicationEvent.objects.get(application=app, kind="rating.answered")
    told = Notice.objects.get(key=f"approvals.application:{app.pk}:event:{answered.pk}")  # the applicant, once
    assert app.tracking_number in told.body and "已核实处理" in told.body
    with pytest.raises(ValidationError) as again:
        services.answer_rating(bad, by=staff.sjj, **answer)
    assert again.value.code == "already_answered"
    with pytest.raises(ValidationError):
        services.answer_rating(good, by=staff.window, **answer)  # a good rating needs no answer

    client.logout()
    page = client.get(_track(client, submission)).content.decode()
    assert "该部门已核实整改并回访" in page
    assert "差评已核实整改并回访" in page and "属实：经核实，窗口未一次性告知所需材料" in page


def test_answering_the_rating_of_a_completed_case_is_no_change_after_completion(reviewed, staff):
    _submission, app, _review = reviewed
    for step in app.steps.filter(state="active"):
        who = staff.zjj if step.department.code == "QH-ZJJ" else staff.wjw
        services.decide_step(step, by=who, approve=True, opinion="同意", legal_basis="法规")
    app.refresh_from_db()
    app = services.complete_application(app, by=staff.window, document=pdf())
    services.rate_application(app, rating=2, reasons=["slow"], comment="太慢")
    rating = Rating.objects.get(application=app, step__isnull=True)
    services.answer_rating(
        rating, by=staff.sjj, verdict="partly", rectification="已优化审查流程，压缩内部流转时间。", revisit="basically"
    )
    assert ApplicationEvent.objects.filter(application=app, kind="rating.answered").exists()
    assert not Finding.objects.filter(rule="R08").exists()  # an answer after completion is not a change to the case


RATE = """mutation($n: String!, $step: ID, $r: Int!, $reasons: [String!], $key: String) {
  rateService(trackingNumber: $n, stepId: $step, rating: $r, reasons: $reasons, idempotencyKey: $key) {
  ok errors { field code message } tracking { caseStars caseAnswered
  finishedSteps { id stars canRate reasons answerDueAt answered }
  ratingReasons { code bad misconduct } } } }"""
TRACK = """mutation($n: String!, $c: String!) { trackApplication(trackingNumber: $n, code: $c) { ok } }"""


def _gql(client, query, variables):
    import json

    response = client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables}), content_type="application/json"
    )
    return response.json()["data"]


def test_the_app_rates_a_step_through_graphql_after_tracking_and_a_retry_changes_nothing(client, reviewed):
    submission, app, review = reviewed
    variables = {"n": app.tracking_number, "step": str(review.pk), "r": 2, "reasons": ["abusive"], "key": "g" * 32}
    refused = _gql(client, RATE, variables)["rateService"]
    assert refused["ok"] is False and refused["errors"][0]["code"] == "NOT_FOUND"  # not this session's case

    assert _gql(client, TRACK, {"n": app.tracking_number, "c": submission.code})["trackApplication"]["ok"]
    done = _gql(client, RATE, variables)["rateService"]
    assert done["ok"] is True, done
    rated = {s["id"]: s for s in done["tracking"]["finishedSteps"]}[str(review.pk)]
    assert rated["stars"] == 2 and rated["canRate"] is False and len(rated["reasons"]) == 1
    assert rated["answerDueAt"] and rated["answered"] is False  # the department's answer is due
    assert done["tracking"]["caseAnswered"] is False
    assert {r["code"] for r in done["tracking"]["ratingReasons"] if r["misconduct"]} >= {"bribe", "abusive"}
    assert _gql(client, RATE, variables)["rateService"]["ok"] is True  # the retry: the first answer
    again = _gql(client, RATE, {**variables, "key": "h" * 32})["rateService"]
    assert again["errors"][0]["code"] == "ALREADY_RATED"
    assert Rating.objects.count() == 1 and Finding.objects.filter(rule="R10").count() == 1


def test_a_bad_rating_is_a_supervised_clock_until_it_is_answered(reviewed, staff):
    """The answer's deadline is watched like a step's: yellow card when it passes, stopped by the answer."""
    from supervision import services as supervision
    from supervision.models import Alert
    from supervision.models import Clock as SupervisedClock

    _submission, app, review = reviewed
    bad = services.rate(app, step=review, rating=2, reasons=["slow"])
    services.rate(app, step=app.steps.get(order=0), rating=5, reasons=["fast"])
    clock = SupervisedClock.objects.get(key=f"approvals.rating:{bad.pk}")
    assert SupervisedClock.objects.filter(key__startswith="approvals.rating:").count() == 1  # none for a good one
    assert (clock.state, clock.due_at, clock.department_id, clock.subject) == (
        "running",
        bad.answer_due_at,
        review.department_id,
        app.subject,
    )
    assert "差评整改回访" in clock.label and app.tracking_number in clock.label
    supervision.sweep(now=bad.answer_due_at + datetime.timedelta(hours=1))
    assert set(Alert.objects.filter(clock=clock).values_list("rung", flat=True)) == {"warning", "yellow"}
    clock.refresh_from_db()
    assert clock.level == "yellow"
    services.answer_rating(
        bad,
        by=staff.sjj,
        verdict="unfounded",
        rectification="经核查，办理时限符合承诺，已向申请人解释。",
        revisit="satisfied",
    )
    clock.refresh_from_db()
    assert clock.state == "stopped" and clock.next_fire_at is None


def test_the_dashboard_keeps_a_bad_rating_until_it_is_answered_however_old(reviewed, staff):
    from django.utils import timezone

    from approvals.rating_admin import recent_bad

    _submission, app, review = reviewed
    bad = services.rate(app, step=review, rating=1, reasons=["slow"])
    Rating.objects.filter(pk=bad.pk).update(created_at=timezone.now() - datetime.timedelta(days=45))
    assert [item.url for item in recent_bad(staff.sjj)] == [reverse("approvals_admin:rating_answer", args=[bad.pk])]
    services.answer_rating(
        bad,
        by=staff.sjj,
        verdict="partly",
        rectification="已压缩内部流转环节，并电话回访申请人。",
        revisit="basically",
    )
    assert recent_bad(staff.sjj) == []  # answered, and older than 30 days
