import uuid

import pytest
from django.urls import reverse

from approvals import services
from approvals.models import Application, SubmittedMaterial
from tests.approvals.conftest import application_form, pdf

pytestmark = pytest.mark.django_db


def test_a_resent_application_is_filed_once_and_shows_the_same_query_code(client, item, city):
    key = uuid.uuid4().hex
    url = reverse("approvals:apply", args=[item.code])
    first = client.post(url, {**application_form(item, city), "idempotency_key": key})
    again = client.post(url, {**application_form(item, city), "idempotency_key": key})
    assert first.status_code == again.status_code == 200
    assert Application.objects.count() == 1
    assert again.context["application"].pk == first.context["application"].pk
    assert again.context["code"] == first.context["code"] and first.context["code"] in again.content.decode()
    assert 'name="idempotency_key"' in client.get(url).content.decode()


def test_a_resent_supplement_stores_the_files_once_and_answers_as_the_first_time(client, submit, staff):
    submission = submit()
    app = services.request_supplement(submission.application, by=staff.window, materials=["身份证复印件"])
    client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": submission.code})
    url = reverse("approvals:track_detail", args=[app.tracking_number])
    assert 'name="idempotency_key"' in client.get(url).content.decode()
    files = SubmittedMaterial.objects.filter(application=app).count()
    key = uuid.uuid4().hex
    first = client.post(url, {"action": "supplement", "file_0": pdf("身份证.pdf"), "idempotency_key": key})
    again = client.post(url, {"action": "supplement", "file_0": pdf("身份证.pdf"), "idempotency_key": key})
    assert first.status_code == again.status_code == 302
    assert SubmittedMaterial.objects.filter(application=app).count() == files + 1
    app.refresh_from_db()
    assert app.state == "submitted" and app.supplement_count == 1
    # Without the key a second supplement is refused as before: the case is no longer waiting for materials.
    client.post(url, {"action": "supplement", "file_0": pdf("身份证.pdf")})
    assert SubmittedMaterial.objects.filter(application=app).count() == files + 1


def test_a_resend_past_the_address_limit_gets_its_first_query_code_and_is_not_counted(client, item, city, settings):
    settings.APPROVALS_APPLICATIONS_PER_HOUR = 2
    key = uuid.uuid4().hex
    url = reverse("approvals:apply", args=[item.code])
    first = client.post(url, {**application_form(item, city), "idempotency_key": key})
    for _again in range(3):
        again = client.post(url, {**application_form(item, city), "idempotency_key": key})
        assert again.status_code == 200 and again.context["code"] == first.context["code"]
    other = client.post(url, {**application_form(item, city), "idempotency_key": uuid.uuid4().hex})
    assert other.status_code == 200 and "application" in other.context
    assert Application.objects.count() == 2
