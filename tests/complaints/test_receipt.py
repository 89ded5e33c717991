"""The receipt as 12388 users expect it: when they will hear back, printable, the hotline; the reported person's
post and level on the form; guidance on real-name priority and on false accusation."""

import json

import pytest

from complaints.models import Complaint, Reporter
from tests.complaints.conftest import form_data

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def test_the_form_guides_and_the_receipt_promises_a_response_by_a_date(client, city):
    form = client.get("/complaints/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "实名举报优先办理" in form and "诬告陷害" in form and 'href="tel:12388"' in form
    assert 'name="concerned_post"' in form and "科级" in form and "处级" in form
    page = client.post(
        "/complaints/new/",
        form_data(
            city,
            concerned_post="窗口科科长",
            concerned_level="section",
            is_anonymous="0",
            name="张三",
            phone="13912345678",
        ),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = page.content.decode()
    complaint = Complaint.objects.get()
    assert (complaint.concerned_post, complaint.concerned_level) == ("窗口科科长", "section")
    first = complaint.stages.get()
    assert "3 个工作日" in html and first.due_at.astimezone().strftime("%Y-%m-%d") in html
    assert "15 个工作日" in html and "打印回执" in html and "12388" in html and "@media print" not in html
    assert "我的办件" in html  # a named reporter can find it there
    assert Reporter.objects.get().phone_digest  # stored at filing


def test_a_wrong_level_is_refused_in_chinese(client, city):
    page = client.post("/complaints/new/", form_data(city, concerned_level="minister"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 400 and not Complaint.objects.exists()


def test_the_api_takes_post_and_level_and_answers_with_the_promise(client, city):
    query = """mutation($d: ID) { submitComplaint(category: "demanding",
      description: "办理施工许可时，窗口工作人员暗示要请吃饭。", concernedDepartmentId: $d, concernedPerson: "张某",
      concernedPost: "副局长", concernedLevel: "division") {
      ok reference errors { field code }
      promise { acknowledgeDays acknowledgeBy acknowledgeProvisional decideDays hotline } } }"""
    body = json.dumps({"query": query, "variables": {"d": str(city.zjj.pk)}})
    body = client.post("/graphql/", body, content_type="application/json").json()["data"]["submitComplaint"]
    assert body["ok"], body
    assert body["promise"]["acknowledgeDays"] == 3 and body["promise"]["decideDays"] == 15
    assert body["promise"]["hotline"] == "12388" and body["promise"]["acknowledgeBy"]
    assert Complaint.objects.get().concerned_level == "division"
    levels = client.post(
        "/graphql/", json.dumps({"query": "{ complaintLevels { code name } }"}), content_type="application/json"
    ).json()["data"]["complaintLevels"]
    assert [level["code"] for level in levels] == ["ordinary", "section", "division", "bureau"]
