"""我的办件: a citizen logged in with phone and code sees their applications and named complaints, nothing else,
in a constant number of queries; each complaint read is recorded; the identity lapses."""

import datetime
import importlib
import json
import time

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals import services
from approvals.models import Application
from complaints import services as complaint_services
from complaints.models import Complaint, OwnerRead, Reporter
from tests.approvals.conftest import docx, pdf

PHONE = "+8613912345678"  # the submit fixture's applicant
OTHER = "+8613912340000"


@pytest.fixture(autouse=True)
def _no_sms(monkeypatch, settings):
    monkeypatch.setattr("complaints.services.intake.notify_reporter", lambda *args, **kwargs: None)
    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = settings.COMPLAINTS_CHALLENGED_PER_HOUR = 10_000


def file(city, phone=None, person="张某"):
    data = {
        "category": "demanding",
        "concerned_department": city.sjj,
        "concerned_person": person,
        "concerned_post": "窗口科科长",
        "concerned_level": "section",
        "description": "办理食品经营许可时，窗口工作人员暗示要请吃饭。",
        "is_anonymous": phone is None,
        "name": "张三" if phone else "",
        "phone": phone or "",
    }
    return complaint_services.submit_complaint(data).complaint


def log_in(client, phone=PHONE, since=None):
    session = client.session
    session["citizen_phone"] = phone
    session["citizen_since"] = since or int(time.time())
    session.save()


def other_application(item, city):
    return services.submit_application(
        item,
        service_centre=city.centre,
        applicant_kind="person",
        applicant_name="李四",
        applicant_phone=OTHER,
        files=[(m, docx() if n == 0 else pdf()) for n, m in enumerate(list(item.materials.all())[:2])],
    ).application


@pytest.mark.django_db
def test_my_cases_lists_my_applications_and_named_complaints_and_nothing_else(client, submit, item, city):
    mine = [submit().application, submit().application]
    theirs = other_application(item, city)
    named, anonymous, not_mine = file(city, PHONE), file(city), file(city, OTHER)
    Application.objects.filter(pk=mine[0].pk).update(due_at=timezone.now() + datetime.timedelta(days=7))
    log_in(client)
    html = client.get("/mine/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的办件" in html and "139****5678" in html
    for app in mine:
        assert f"/approvals/track/{app.tracking_number}/" in html
    assert theirs.tracking_number not in html
    assert f"/complaints/mine/{named.reference}/" in html
    assert anonymous.reference not in html and not_mine.reference not in html
    assert "承诺办结" in html and "本阶段期限" in html
    assert list(OwnerRead.objects.values_list("complaint_id", "channel")) == [(named.pk, "web")]

    # Each line opens its case without the query code or the receipt; someone else's stays closed.
    assert client.get(f"/approvals/track/{mine[0].tracking_number}/").status_code == 200
    assert client.get(f"/approvals/track/{theirs.tracking_number}/").status_code == 302
    page = client.get(f"/complaints/mine/{named.reference}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and named.description in page.content.decode()
    for closed in (anonymous, not_mine):
        assert client.get(f"/complaints/mine/{closed.reference}/").status_code == 302
    assert OwnerRead.objects.filter(complaint=named).count() == 2

    # The reporter writes to the investigator from there, as with the receipt.
    client.post(f"/complaints/mine/{named.reference}/", {"body": "补充一点：时间是上周三上午。"})
    assert named.messages.filter(from_reporter=True).count() == 1


@pytest.mark.django_db
def test_without_a_proved_phone_my_cases_asks_to_log_in_and_the_identity_lapses(client, submit, settings):
    app = submit().application
    assert client.get("/mine/")["Location"].startswith("/accounts/phone/")
    log_in(client, since=int(time.time()) - settings.CITIZEN_SESSION_SECONDS - 1)
    assert client.get("/mine/")["Location"].startswith("/accounts/phone/")
    assert client.get(f"/approvals/track/{app.tracking_number}/").status_code == 302


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_my_cases_cost_the_same_queries_for_one_case_or_many(client, submit, city):
    submit()
    file(city, PHONE)
    log_in(client)
    client.get("/mine/")  # warm caches (site, translations)
    few = _queries(client, "/mine/")
    for _n in range(6):
        submit()
        file(city, PHONE, person=f"王某{_n}")
    many = _queries(client, "/mine/")
    assert many == few, (few, many)


def gql(client, query, variables=None):
    response = client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
    )
    return response.json()


MY_CASES = """query { myCases { phone applications { trackingNumber status dueAt dueProvisional }
  complaints { reference status dueAt dueProvisional } } }"""


@pytest.mark.django_db
def test_the_api_gives_my_cases_and_opens_each_without_code_or_receipt(client, submit, item, city):
    assert gql(client, MY_CASES)["data"]["myCases"] is None
    app, named, anonymous = submit().application, file(city, PHONE), file(city)
    log_in(client)
    cases = gql(client, MY_CASES)["data"]["myCases"]
    assert cases["phone"] == "139****5678"
    assert [a["trackingNumber"] for a in cases["applications"]] == [app.tracking_number]
    assert [c["reference"] for c in cases["complaints"]] == [named.reference]
    assert cases["complaints"][0]["dueAt"]
    one = gql(
        client,
        "query($n: String!) { myApplication(trackingNumber: $n) { trackingNumber status } }",
        {"n": app.tracking_number},
    )
    assert one["data"]["myApplication"]["trackingNumber"] == app.tracking_number
    theirs = other_application(item, city)
    none = gql(
        client, "query($n: String!) { myApplication(trackingNumber: $n) { status } }", {"n": theirs.tracking_number}
    )
    assert none["data"]["myApplication"] is None
    query = "query($r: String!) { myComplaint(reference: $r) { reference description } }"
    assert gql(client, query, {"r": named.reference})["data"]["myComplaint"]["reference"] == named.reference
    assert gql(client, query, {"r": anonymous.reference})["data"]["myComplaint"] is None
    assert set(OwnerRead.objects.values_list("channel", flat=True)) == {"app"}


SEND_MINE = """mutation($r: String!, $b: String!) { sendMyComplaintMessage(reference: $r, body: $b) {
  ok errors { field code message } complaint { messages { fromReporter body } } } }"""


@pytest.mark.django_db
def test_a_citizen_writes_to_the_investigator_of_their_own_named_complaint_only(client, city):
    from complaints.models import ThreadMessage

    named, anonymous, not_mine = file(city, PHONE), file(city), file(city, OTHER)
    refused = gql(client, SEND_MINE, {"r": named.reference, "b": "补充：对方还提到了吃饭地点。"})
    assert refused["data"]["sendMyComplaintMessage"]["errors"][0]["code"] == "NOT_FOUND"  # no session
    log_in(client)
    sent = gql(client, SEND_MINE, {"r": named.reference.lower(), "b": "补充：对方还提到了吃饭地点。"})
    payload = sent["data"]["sendMyComplaintMessage"]
    assert payload["ok"] and payload["complaint"]["messages"] == [
        {"fromReporter": True, "body": "补充：对方还提到了吃饭地点。"}
    ]
    for other in (anonymous, not_mine):
        answer = gql(client, SEND_MINE, {"r": other.reference, "b": "试图留言"})["data"]["sendMyComplaintMessage"]
        assert not answer["ok"] and answer["errors"][0]["field"] == "reference"
    empty = gql(client, SEND_MINE, {"r": named.reference, "b": "  "})["data"]["sendMyComplaintMessage"]
    assert not empty["ok"] and empty["errors"][0]["message"]
    written = list(ThreadMessage.objects.values_list("complaint_id", "body"))
    assert written == [(named.pk, "补充：对方还提到了吃饭地点。")]


@pytest.mark.django_db
def test_my_cases_in_the_api_cost_the_same_queries_for_one_case_or_many(client, submit, city):
    submit()
    file(city, PHONE)
    log_in(client)
    gql(client, MY_CASES)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            gql(client, MY_CASES)
        return len(ctx.captured_queries)

    few = count()
    for _n in range(5):
        submit()
        file(city, PHONE, person=f"赵某{_n}")
    assert count() == few


@pytest.mark.django_db
def test_the_backfill_gives_earlier_named_complaints_their_phone_digest(city):
    complaint = file(city, PHONE)
    Reporter.objects.filter(complaint=complaint).update(phone_digest="")
    assert not complaint_services.own_complaints(PHONE, channel="web")
    migration = importlib.import_module("complaints.migrations.0004_backfill_reporter_phone_digest")
    migration.backfill(django_apps, None)
    assert [c.reference for c in complaint_services.own_complaints(PHONE, channel="web")] == [complaint.reference]
    assert Complaint.objects.get(pk=complaint.pk).concerned_level == "section"


@pytest.mark.django_db
def test_the_header_names_a_citizens_session_instead_of_offering_to_log_in(client):
    html = client.get("/complaints/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'class="site-nav-login"' in html and "site-nav-citizen" not in html
    log_in(client)
    html = client.get("/complaints/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'class="site-nav-login"' not in html
    assert 'class="site-nav-citizen" href="/mine/" title="已用此手机号登录">139****5678</a>' in html
    log_in(client, since=int(time.time()) - 3 * 3600)  # the identity lapsed: 登录 again
    assert 'class="site-nav-login"' in client.get("/complaints/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
