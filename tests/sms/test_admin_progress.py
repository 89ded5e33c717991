"""The progress page, reach by department and the delivery log export."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sms.models import Campaign, DeliveryStatus
from sms.progress import campaign_progress
from tests.directory.factories import CadreFactory, DepartmentFactory
from tests.sms.factories_admin import CampaignFactory, CampaignRunFactory, DeliveryFactory

pytestmark = pytest.mark.django_db

STATES = [
    DeliveryStatus.DELIVERED,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENDING,
    DeliveryStatus.UNDELIVERED,
    DeliveryStatus.SKIPPED,
]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.cn", "pw")


def make_run(n_deliveries, n_departments, campaign=None):
    campaign = campaign or CampaignFactory(status=Campaign.Status.SENDING)
    run = CampaignRunFactory(campaign=campaign)
    departments = [DepartmentFactory() for _i in range(n_departments)]
    start = timezone.now() - timedelta(minutes=10)
    for i in range(n_deliveries):
        status = STATES[i % len(STATES)]
        sent = status not in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.SKIPPED)
        DeliveryFactory(
            run=run,
            cadre=CadreFactory(department=departments[i % n_departments]),
            status=status,
            sent_at=start + timedelta(seconds=i) if sent else None,
            delivered_at=start + timedelta(seconds=i + 2) if status == DeliveryStatus.DELIVERED else None,
            first_clicked_at=start + timedelta(minutes=1) if i % 4 == 0 else None,
            clicks=1 if i % 4 == 0 else 0,
            provider_id=f"SM{run.pk:06d}{i:026d}" if sent else None,
            error_code="30003" if status == DeliveryStatus.UNDELIVERED else "",
        )
    return campaign, run


def page_queries(client, campaign):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/admin/sms/campaign/inspect/{campaign.pk}/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_progress_page_queries_do_not_grow_with_deliveries_or_departments(client, superuser):
    client.force_login(superuser)
    few_campaign, _run = make_run(5, 2)
    few, _response = page_queries(client, few_campaign)
    many_campaign, _run = make_run(50, 12)
    many, response = page_queries(client, many_campaign)
    assert many == few, (few, many)
    assert len(response.context["runs"][0].departments) == 12


def test_progress_figures_counts_rate_eta_and_reach():
    campaign, run = make_run(16, 2)
    with CaptureQueriesContext(connection) as ctx:
        [item] = campaign_progress(campaign)
    assert len(ctx.captured_queries) == 3
    assert item.counts[DeliveryStatus.DELIVERED] == 4 and item.counts[DeliveryStatus.QUEUED] == 2
    assert item.total == 16 and item.pending == 4 and item.processed == 12
    assert item.clicked == 4
    assert item.rate and item.eta > timezone.now()
    first, second = item.departments
    assert first.total == second.total == 8
    # Department of deliveries 0, 2, 4, ...: delivered at 0 and 8; clicked at 0, 4, 8, 12.
    assert first.delivered_pct == 25.0 and first.clicked_pct == 50.0
    assert second.clicked_pct == 0.0
    assert round(sum(segment["pct"] for segment in item.segments)) == 100


def test_progress_page_shows_counts_bar_chart_and_table(client, superuser):
    client.force_login(superuser)
    campaign, run = make_run(8, 2)
    body = client.get(f"/admin/sms/campaign/inspect/{campaign.pk}/").content.decode()
    assert 'data-count="delivered"><strong>2</strong>' in body
    assert 'data-count="clicked"><strong>2</strong>' in body
    assert "<svg" in body and 'class="sms-bar"' in body and "data-reach" in body
    assert 'http-equiv="refresh"' in body  # the run is still sending


def test_a_finished_run_does_not_refresh_the_page(client, superuser):
    client.force_login(superuser)
    campaign, run = make_run(4, 1)
    run.status = run.Status.DONE
    run.save()
    body = client.get(f"/admin/sms/campaign/inspect/{campaign.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in body


def test_the_delivery_log_exports_as_excel_friendly_csv(client, superuser):
    client.force_login(superuser)
    campaign, run = make_run(8, 2)
    response = client.get(f"/admin/sms/campaign/export/{campaign.pk}/{run.pk}/")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    assert len(header) == 11 and len(data) == 8
    by_phone = {row[1]: row for row in data}
    undelivered = next(d for d in run.deliveries.select_related("cadre__department") if d.status == "undelivered")
    row = by_phone[str(undelivered.phone)]
    assert row[0] == undelivered.cadre.name and row[2] == undelivered.cadre.department.name
    assert row[3] == str(DeliveryStatus.UNDELIVERED.label)
    assert row[4] == undelivered.provider_id and row[5].startswith("30003")
    assert row[8] and row[9] == ""  # sent, never delivered


def test_the_export_belongs_to_its_campaign(client, superuser):
    client.force_login(superuser)
    campaign, run = make_run(2, 1)
    other = CampaignFactory()
    assert client.get(f"/admin/sms/campaign/export/{other.pk}/{run.pk}/").status_code == 404


def test_csv_cells_cannot_be_formulas(client, superuser):
    client.force_login(superuser)
    campaign, run = make_run(1, 1)
    cadre = run.deliveries.get().cadre
    cadre.name = "=HYPERLINK(1)"
    cadre.save()
    raw = b"".join(client.get(f"/admin/sms/campaign/export/{campaign.pk}/{run.pk}/").streaming_content)
    assert "'=HYPERLINK(1)" in raw.decode("utf-8-sig")


def test_the_campaign_list_query_count_does_not_grow_with_campaigns(client, superuser):
    client.force_login(superuser)

    def list_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/sms/campaign/").status_code == 200
        return len(ctx.captured_queries)

    make_run(3, 1)
    few = list_queries()
    for _i in range(6):
        make_run(3, 1)
    assert list_queries() <= few
