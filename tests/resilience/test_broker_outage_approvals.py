"""An online application submitted while the broker is down: accepted once, its SMS sent by the sweep."""

import pytest
from django.urls import reverse

from approvals.models import Application
from sms import notices
from sms.models import Message, Notice
from tests.approvals.conftest import _media, application_form, city, item  # noqa: F401 - the approvals tests' fixtures
from tests.resilience.conftest import broker_down

pytestmark = pytest.mark.django_db


def test_an_application_submitted_while_the_broker_is_down_succeeds_once_and_its_sms_leaves_later(
    client,
    item,  # noqa: F811
    city,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    data = application_form(item, city)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("approvals:apply", args=[item.code]), data)
    assert response.status_code == 200
    application = Application.objects.get()
    assert response.context["application"] == application
    notice = Notice.objects.get()
    assert notice.status == Notice.Status.PENDING
    notices.sweep()
    notices.sweep()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT
    assert Message.objects.filter(phone=notice.phone).count() == 1
