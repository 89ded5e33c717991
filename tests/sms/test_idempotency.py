import re

import pytest

from sms.models import Campaign
from tests.sms.factories_admin import user_with_role
from tests.sms.test_admin_campaigns import ADD, form_data

pytestmark = pytest.mark.django_db


def test_a_resent_new_campaign_form_makes_one_campaign_and_opens_it(client):
    client.force_login(user_with_role("sms_operator", "operator"))
    key = re.search(r'name="idempotency_key" value="(\w+)"', client.get(ADD).content.decode()).group(1)
    first = client.post(ADD, {**form_data(), "idempotency_key": key})
    again = client.post(ADD, {**form_data(), "idempotency_key": key})
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    campaign = Campaign.objects.get()
    assert campaign.created_by.username == "operator" and str(campaign.pk) in again["Location"]
    client.post(ADD, form_data())
    assert Campaign.objects.count() == 2  # a form without a key is a new campaign, as before
