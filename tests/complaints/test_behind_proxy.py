"""Complaint limits behind the shipped proxy: one limit per client, not one for the whole city."""

import pytest
from django.test import override_settings

from complaints.models import Complaint
from tests.complaints.conftest import form_data

PROXY = "172.30.0.10"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["172.30.0.0/24"]
    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 5


def _file(client, city, forwarded, peer=PROXY):
    return client.post(
        "/complaints/new/",
        form_data(city),
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
        HTTP_ACCEPT="application/json",
    )


def test_six_clients_behind_one_proxy_are_all_accepted(client, city, behind_proxy):
    answers = [_file(client, city, f"203.0.113.{n}") for n in range(1, 7)]
    assert [a.status_code for a in answers] == [200] * 6
    assert Complaint.objects.count() == 6


def test_six_from_one_client_are_limited(client, city, behind_proxy):
    answers = [_file(client, city, "203.0.113.1") for _n in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [400]
    # Limited: past its share, the client must solve a proof of work (core.challenge) for each further complaint.
    assert answers[-1].json()["errors"]["__all__"][0]["code"] == "challenge_required"
    assert Complaint.objects.count() == 5


def test_a_forged_header_from_an_untrusted_peer_changes_nothing(client, city, behind_proxy):
    answers = [_file(client, city, f"203.0.113.{n}", peer="198.51.100.7") for n in range(1, 7)]
    assert [a.status_code for a in answers] == [200] * 5 + [400]


@override_settings(COMPLAINTS_SUBMISSIONS_PER_HOUR=1)
def test_the_refusal_says_what_happened_and_marks_no_field(client, city):
    client.post("/complaints/new/", form_data(city))
    page = client.post("/complaints/new/", form_data(city))
    assert page.status_code == 400
    text = page.content.decode()
    assert "challenge-status" in text  # what happened: a check to solve, which the page starts
    assert "correct the marked fields" not in text and "请更正标出的" not in text
    assert 'aria-invalid="true"' not in text
