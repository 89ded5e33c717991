"""Short links under a burst: concurrent clicks on PostgreSQL each count once (sms.tracking.record_click)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from cms.services import ensure_home_page
from sms.models import Delivery
from tests.sms.factories_admin import CampaignFactory, CampaignRunFactory, DeliveryFactory

THREADS = 12
CLICKS_EACH = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_are_counted_exactly():
    if connection.vendor != "postgresql":
        pytest.skip("row locking under concurrency is PostgreSQL's: run with DATABASE_URL=postgres://...")
    home = ensure_home_page()
    run = CampaignRunFactory(campaign=CampaignFactory(link_page=home))
    codes = [DeliveryFactory(run=run, short_code=f"Bu{i:04d}", status="delivered").short_code for i in range(3)]
    start = threading.Barrier(THREADS)
    answers = []

    def clicker(number):
        client = Client()
        try:
            start.wait()
            for click in range(CLICKS_EACH):
                answers.append(client.get(f"/s/{codes[(number + click) % len(codes)]}").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clicker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers.count(302) == THREADS * CLICKS_EACH
    expected = {code: 0 for code in codes}
    for number in range(THREADS):
        for click in range(CLICKS_EACH):
            expected[codes[(number + click) % len(codes)]] += 1
    counted = dict(Delivery.objects.filter(run=run).values_list("short_code", "clicks"))
    assert counted == expected
    assert not Delivery.objects.filter(run=run, first_clicked_at__isnull=True).exists()
