import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from cms.services import ensure_home_page
from sms.models import Delivery
from tests.sms.factories_admin import CampaignFactory, CampaignRunFactory, DeliveryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery():
    home = ensure_home_page()
    campaign = CampaignFactory(link_page=home)
    return DeliveryFactory(run=CampaignRunFactory(campaign=campaign), short_code="Ab3dE9", status="delivered")


def test_a_click_redirects_to_the_linked_page_and_is_counted_once_as_first_click(client, delivery):
    response = client.get("/s/Ab3dE9")
    assert response.status_code == 302
    assert response["Location"] == delivery.run.campaign.link_page.url
    delivery.refresh_from_db()
    assert delivery.clicks == 1
    first = delivery.first_clicked_at
    assert first is not None

    client.get("/s/Ab3dE9")
    delivery.refresh_from_db()
    assert delivery.clicks == 2
    assert delivery.first_clicked_at == first


def test_a_click_is_one_update_and_stores_nothing_about_the_visitor(client, delivery):
    with CaptureQueriesContext(connection) as ctx:
        client.get("/s/Ab3dE9", HTTP_USER_AGENT="Mozilla/5.0 test", REMOTE_ADDR="203.0.113.9")
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 1 and "sms_delivery" in writes[0]
    row = Delivery.objects.filter(pk=delivery.pk).values().get()
    assert not any("203.0.113.9" in str(v) or "Mozilla" in str(v) for v in row.values())


def test_an_unknown_code_is_a_chinese_404_page(client, delivery):
    response = client.get("/s/nope12")
    assert response.status_code == 404
    body = response.content.decode()
    with translation.override("zh-hans"):
        assert gettext("Link not found") in body
    assert 'lang="zh-hans"' in body
    delivery.refresh_from_db()
    assert delivery.clicks == 0


def test_a_campaign_without_a_page_sends_the_reader_home(client):
    DeliveryFactory(run=CampaignRunFactory(campaign=CampaignFactory(link_page=None)), short_code="zz99")
    response = client.get("/s/zz99")
    assert response.status_code == 302 and response["Location"] == "/"
