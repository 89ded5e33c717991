from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from directory.models import Cadre, Department, DepartmentKind
from sms.models import Campaign, CampaignRun, Delivery, DeliveryStatus

# (department, [statuses of its cadres' deliveries]): a run part way through, with every state on screen.
RUN = [
    ("市教育局", ["delivered"] * 9 + ["sent"] * 2 + ["failed"]),
    ("市财政局", ["delivered"] * 5 + ["undelivered", "queued", "queued", "sending"]),
    ("青石镇", ["delivered"] * 3 + ["sent", "queued", "queued", "skipped"]),
    ("城东街道", ["queued"] * 4 + ["delivered"] * 2),
]


def make_run():
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    campaign = Campaign.objects.create(
        title="国庆廉洁提醒",
        text="国庆中秋将至，请严守中央八项规定精神，不收受礼品礼金，廉洁过节。",
        all_cadres=True,
        status=Campaign.Status.SENDING,
    )
    run = CampaignRun.objects.create(
        campaign=campaign,
        occurrence="once",
        body="【清河市纪委监委】" + campaign.text,
        status=CampaignRun.Status.DISPATCHING,
        started_at=timezone.now() - timedelta(minutes=5),
    )
    start = timezone.now() - timedelta(minutes=4)
    n = 0
    for d, (name, statuses) in enumerate(RUN):
        department = Department.objects.create(code=f"D{d}", name=name, kind=DepartmentKind.BUREAU, parent=city)
        for status in statuses:
            n += 1
            cadre = Cadre.objects.create(name=f"干部{n}", phone=f"+86138{n:08d}", department=department)
            sent = status not in ("queued", "sending", "skipped")
            Delivery.objects.create(
                run=run,
                cadre=cadre,
                phone=cadre.phone,
                status=status,
                sent_at=start + timedelta(seconds=4 * n) if sent else None,
                delivered_at=start + timedelta(seconds=4 * n + 3) if status == "delivered" else None,
                first_clicked_at=start + timedelta(minutes=2) if status == "delivered" and n % 3 else None,
                clicks=1 if status == "delivered" and n % 3 else 0,
                error_code="30003" if status in ("failed", "undelivered") else "",
            )
    return campaign, run


def test_the_campaign_progress_page_on_a_phone(site, page, screenshot, django_user_model):
    campaign, run = make_run()
    django_user_model.objects.create_superuser("sms", "sms@example.cn", "secret-pass-1")
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "sms")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")

    page.goto(f"{site.url}/admin/sms/campaign/inspect/{campaign.pk}/")
    screenshot("sms-campaign-review")
    expect(page.locator("[data-count=delivered] strong")).to_have_text("19")
    expect(page.locator("[data-count=queued] strong")).to_have_text("8")
    expect(page.locator("svg.sms-chart")).to_be_visible()
    expect(page.locator("[data-reach] tbody tr")).to_have_count(4)
    assert Delivery.objects.filter(run=run, status=DeliveryStatus.DELIVERED).count() == 19
    # The admin scrolls inside its layout, so a full-page shot holds one screen: take the counts, then the reach.
    page.locator("[data-run]").scroll_into_view_if_needed()
    page.locator("[data-run] h3").evaluate("el => el.scrollIntoView()")
    screenshot("sms-campaign-progress")
    page.locator("svg.sms-chart").evaluate("el => el.scrollIntoView()")
    screenshot("sms-campaign-progress-reach")
