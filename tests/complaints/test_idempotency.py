import json
import re
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from complaints import receipts
from complaints.models import Complaint
from core import idempotency
from core.models import IdempotencyKey
from tests.complaints.conftest import form_data

pytestmark = pytest.mark.django_db

RECEIPT = re.compile(r'class="receipt-code">([\d ]+)<')


def test_the_form_carries_a_fresh_key_and_a_refused_form_keeps_it(client, city):
    first = client.get("/complaints/new/").content.decode()
    second = client.get("/complaints/new/").content.decode()
    keys = [re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1) for page in (first, second)]
    assert keys[0] != keys[1]
    refused = client.post("/complaints/new/", form_data(city, description="太短", idempotency_key=keys[0]))
    assert f'value="{keys[0]}"' in refused.content.decode()


def test_a_resent_form_files_one_complaint_and_shows_the_same_receipt_again(client, city):
    data = form_data(city, idempotency_key=uuid.uuid4().hex)
    first = client.post("/complaints/new/", data).content.decode()
    again = client.post("/complaints/new/", data).content.decode()
    assert Complaint.objects.count() == 1
    receipt = RECEIPT.search(first).group(1)
    assert RECEIPT.search(again).group(1) == receipt
    assert receipts.matches(Complaint.objects.get(), receipt)
    assert Complaint.objects.get().reference in again
    # The row keeps neither the key nor the receipt in clear.
    row = IdempotencyKey.objects.get()
    assert data["idempotency_key"] not in json.dumps(row.result) + row.digest
    assert receipt.replace(" ", "") not in json.dumps(row.result)


def test_after_the_secret_window_a_resend_shows_the_case_but_not_the_receipt(client, city):
    data = form_data(city, idempotency_key=uuid.uuid4().hex)
    client.post("/complaints/new/", data)
    assert idempotency.purge_expired(now=timezone.now() + timedelta(minutes=16)) == 0  # the key stays a day
    again = client.post("/complaints/new/", data).content.decode()
    assert Complaint.objects.count() == 1
    assert not RECEIPT.search(again) and "receipt-gone" in again


def test_the_app_resends_with_its_header_and_gets_the_same_json(client, city):
    headers = {"HTTP_ACCEPT": "application/json", "HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}
    first = client.post("/complaints/new/", form_data(city), **headers).json()
    again = client.post("/complaints/new/", form_data(city), **headers).json()
    assert first == again and first["ok"] and Complaint.objects.count() == 1
    other = client.post("/complaints/new/", form_data(city), HTTP_ACCEPT="application/json").json()
    assert other["reference"] != first["reference"] and Complaint.objects.count() == 2


def gql(client, query, variables):
    body = json.dumps({"query": query, "variables": variables})
    return client.post("/graphql/", body, content_type="application/json").json()


def test_the_mutation_with_the_same_key_returns_the_first_complaint(client, city):
    query = (
        'mutation($k: String) { submitComplaint(category: "other", description: "窗口人员索要好处费，情节属实。",'
        ' concernedPerson: "李四", idempotencyKey: $k) { ok reference receipt } }'
    )
    key = uuid.uuid4().hex
    first = gql(client, query, {"k": key})["data"]["submitComplaint"]
    again = gql(client, query, {"k": key})["data"]["submitComplaint"]
    assert first["ok"] and first == again and Complaint.objects.count() == 1


def test_a_failed_submission_releases_its_key(client, city):
    data = form_data(city, idempotency_key=uuid.uuid4().hex)
    with override_settings(COMPLAINTS_SUBMISSIONS_PER_HOUR=0):
        assert client.post("/complaints/new/", data).status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert client.post("/complaints/new/", data).status_code == 200 and Complaint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test")
def test_concurrent_duplicates_file_one_complaint(city):
    from complaints import services
    from tests.complaints.conftest import cleaned

    data, key, results, barrier = cleaned(city), uuid.uuid4().hex, [], threading.Barrier(4)

    def submit():
        barrier.wait()
        try:
            results.append(services.submit_complaint(data, source="race", idempotency_key=key))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Complaint.objects.count() == 1 and len(results) == 4
    assert {r.complaint.pk for r in results} == {Complaint.objects.get().pk}
    assert {r.receipt for r in results} == {results[0].receipt}


def test_a_resend_past_the_attempt_limit_gets_its_first_receipt_and_is_not_counted(client, city, settings):
    settings.COMPLAINTS_ATTEMPTS_PER_HOUR = 2
    data = form_data(city, idempotency_key=uuid.uuid4().hex)
    first = client.post("/complaints/new/", data).content.decode()
    receipt = RECEIPT.search(first).group(1)
    for _again in range(3):
        again = client.post("/complaints/new/", data)
        assert again.status_code == 200 and RECEIPT.search(again.content.decode()).group(1) == receipt
    # The resends used none of the share: a second complaint (another key) is still the second attempt.
    assert client.post("/complaints/new/", form_data(city, idempotency_key=uuid.uuid4().hex)).status_code == 200
    assert Complaint.objects.count() == 2


def test_a_resend_past_the_share_gets_its_first_answer_not_a_challenge(client, city, settings):
    settings.COMPLAINTS_ATTEMPTS_PER_HOUR = 1
    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 1
    headers = {"HTTP_ACCEPT": "application/json", "HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}
    first = client.post("/complaints/new/", form_data(city), **headers).json()
    again = client.post("/complaints/new/", form_data(city), **headers)
    assert again.status_code == 200 and again.json() == first and "challenge" not in again.json()
    query = (
        'mutation($k: String) { submitComplaint(category: "other", description: "窗口人员索要好处费，情节属实。",'
        ' concernedPerson: "李四", idempotencyKey: $k) { ok reference receipt errors { code } } }'
    )
    key = uuid.uuid4().hex
    settings.COMPLAINTS_ATTEMPTS_PER_HOUR = 2
    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 2
    answer = gql(client, query, {"k": key})["data"]["submitComplaint"]
    assert answer["ok"]
    assert gql(client, query, {"k": key})["data"]["submitComplaint"] == answer
    assert Complaint.objects.count() == 2
