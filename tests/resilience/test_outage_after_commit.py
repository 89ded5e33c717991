"""An outage that begins after a complaint committed, while its receipt page renders: 'saved, do not resend'."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from complaints import views
from complaints.models import Complaint
from tests.complaints.conftest import form_data

# Committed for real, so that after-commit bookkeeping runs as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receipt_page_fails(monkeypatch):
    real_render = views.render

    def render(request, template_name, *args, **kwargs):
        if template_name == "complaints/submitted.html":
            raise OperationalError("server closed the connection unexpectedly")
        return real_render(request, template_name, *args, **kwargs)

    monkeypatch.setattr(views, "render", render)


def test_a_failure_after_the_commit_says_saved_and_not_to_resubmit(english, city, receipt_page_fails):
    response = english.post(reverse("complaints:new"), form_data(city))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    html = response.content.decode()
    assert "WAS saved" in html and "Do not submit it again" in html and "NOT saved" not in html
    assert Complaint.objects.count() == 1


def test_a_failure_before_the_commit_says_not_saved(english, city, monkeypatch):
    def database_fails(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(views.services, "submit_complaint", database_fails)
    response = english.post(reverse("complaints:new"), form_data(city))
    assert response.status_code == 503
    assert "NOT saved" in response.content.decode()
    assert not Complaint.objects.exists()
