import json

import pytest

from approvals import services
from approvals.models import ApprovalItem, ItemStep, Material


@pytest.fixture
def gql(client):
    def run(query, variables=None):
        response = client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return response.json()

    return run


ITEMS = """query($page: Int) { approvalItems(pageSize: 20, page: $page, theme: BUSINESS) {
  pageInfo { total } items { code name fee department { name } materials { name required }
  steps { name parallel departments { name } } } } }"""


def test_catalogue_list_queries_do_not_grow_with_the_list(gql, item, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(10) as few:
        data = gql(ITEMS)["data"]["approvalItems"]
    assert data["items"][0]["steps"][1]["parallel"] is True
    for n in range(6):
        other = ApprovalItem.objects.create(
            code=f"X{n}",
            name=f"事项{n}",
            department=city.zjj,
            theme="business",
            legal_basis="法",
            conditions="条件",
            statutory_days=10,
            promised_days=5,
        )
        Material.objects.create(item=other, name="申请书", form="original")
        ItemStep.objects.create(item=other, order=1, name="审查", working_days=3).departments.add(city.zjj, city.wjw)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = gql(ITEMS)["data"]["approvalItems"]
    assert data["pageInfo"]["total"] == 7


def test_item_by_code_with_flowchart(gql, item):
    data = gql('{ approvalItem(code: "QH-SJJ-001") { name flowchartSvg conditions } }')["data"]["approvalItem"]
    assert data["flowchartSvg"].startswith("<svg") and len(data["conditions"]) == 2


TRACK = """mutation($n: String!, $c: String!) { trackApplication(trackingNumber: $n, code: $c) {
  ok errors { code message } tracking {
  status state dueAt currentSteps { name department officer dueAt } history { label occurredAt department } } } }"""


def test_track_by_number_and_code(gql, submit, staff, django_assert_max_num_queries):
    submission = submit()
    app = services.accept_application(submission.application, by=staff.window)
    with django_assert_max_num_queries(16):
        data = gql(TRACK, {"n": app.tracking_number, "c": submission.code})["data"]["trackApplication"]["tracking"]
    assert data["state"] == "in_review" and data["currentSteps"][0]["department"] == "市市场监督管理局"
    assert len(data["history"]) == 4
    wrong = gql(TRACK, {"n": app.tracking_number, "c": "WRONG123"})["data"]["trackApplication"]
    unknown = gql(TRACK, {"n": "QF0", "c": "WRONG123"})["data"]["trackApplication"]
    assert wrong == unknown and wrong["tracking"] is None and wrong["errors"][0]["code"] == "NOT_FOUND"


def test_track_is_rate_limited(gql, submit, settings):
    app = submit().application
    for _ in range(settings.APPROVALS_TRACKING_FAILURES):
        gql(TRACK, {"n": app.tracking_number, "c": "WRONG123"})
    result = gql(TRACK, {"n": app.tracking_number, "c": "WRONG123"})
    assert result["data"]["trackApplication"]["errors"][0]["code"] == "RATE_LIMITED"


def test_rate_through_the_api(gql, submit, staff):
    submission = submit()
    mutation = """mutation($n: String!, $c: String!, $r: Int!) {
      rateApplication(trackingNumber: $n, code: $c, rating: $r) { ok errors { field code message } } }"""
    result = gql(mutation, {"n": submission.application.tracking_number, "c": submission.code, "r": 5})
    assert result["data"]["rateApplication"]["ok"] is False
    assert result["data"]["rateApplication"]["errors"][0]["code"] == "INVALID_TRANSITION"
