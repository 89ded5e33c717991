from playwright.sync_api import expect

from complaints.models import Complaint, ThreadMessage
from directory.models import Department, DepartmentKind


def test_a_citizen_reports_anonymously_in_the_app_and_follows_with_the_receipt(site, page, screenshot):
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    Department.objects.create(code="QH-ZJJ", name="市住房和城乡建设局", kind=DepartmentKind.BUREAU, parent=city)

    page.goto(site.url + "/app/complaints/new")
    page.select_option("#c-dept", label="市住房和城乡建设局")
    page.fill("#c-person", "某科长")
    page.fill("#c-desc", "太短")
    page.click("#complaint button[type=submit]")
    expect(page.locator("#c-errors")).to_contain_text("10")
    expect(page.locator("#c-desc")).to_have_value("太短")
    assert not Complaint.objects.exists()

    # The draft survives a reload (and never holds name or phone).
    page.reload()
    expect(page.locator("#c-draft")).to_be_visible()
    expect(page.locator("#c-person")).to_have_value("某科长")
    page.fill("#c-desc", "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。<script>alert(1)</script>")
    page.click("#complaint button[type=submit]")
    expect(page.locator(".receipt-code")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    reference = page.locator(".reference").inner_text()
    receipt = page.locator(".receipt-code").inner_text()
    assert page.evaluate("localStorage.getItem('qf-complaint-draft')") is None
    assert Complaint.objects.get().reference == reference

    page.goto(site.url + "/app/complaints/follow")
    page.fill("#c-ref", reference)
    page.fill("#c-receipt", "000000 000000 000000")
    page.click("#c-follow button")
    expect(page.locator("#c-follow .field-error")).not_to_be_empty()
    page.fill("#c-receipt", receipt)
    page.click("#c-follow button")
    expect(page.locator("h1")).to_have_text(reference)
    expect(page.locator("main")).to_contain_text("<script>alert(1)</script>")
    page.fill("#c-msg", "补充：时间是三月五日上午。")
    page.click("#c-send button")
    expect(page.locator(".post-list .post")).to_have_count(1)
    assert ThreadMessage.objects.get().from_reporter
    assert "receipt" not in page.url and receipt.replace(" ", "") not in page.url
    screenshot("complaints_app_status")


def test_the_web_form_keeps_the_text_after_a_refusal(site, page):
    page.goto(site.url + "/complaints/new/")
    page.fill("#id_concerned_person", "某所长")
    page.fill("#id_description", "太短")
    page.click("main button[type=submit]")
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("太短")
    expect(page.locator("#id_concerned_person")).to_have_value("某所长")
    assert not Complaint.objects.exists()


def test_a_database_outage_while_reporting_keeps_the_report_and_marks_no_field(site, page, monkeypatch, screenshot):
    from django.db import OperationalError

    from complaints import services

    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    Department.objects.create(code="QH-ZJJ", name="市住房和城乡建设局", kind=DepartmentKind.BUREAU, parent=city)

    def database_down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    page.goto(site.url + "/app/complaints/new")
    page.select_option("#c-dept", label="市住房和城乡建设局")
    page.fill("#c-desc", "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。")
    monkeypatch.setattr(services, "submit_complaint", database_down)
    page.click("#complaint button[type=submit]")
    expect(page.locator("#c-errors")).to_contain_text("没有保存")
    expect(page.locator("#complaint [aria-invalid]")).to_have_count(0)
    screenshot("complaints_app_outage")
    expect(page.locator("#c-desc")).to_have_value("办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。")

    monkeypatch.undo()
    page.click("#complaint button[type=submit]")
    expect(page.locator(".receipt-code")).to_be_visible()
    assert Complaint.objects.count() == 1


def test_a_busy_network_solves_the_check_and_the_complaint_is_accepted(site, page, screenshot, settings):
    """Home → 网络投诉 → 我要投诉 from a network past its hourly share: the page solves the proof of work
    (core/challenge.py) in the browser and the complaint goes through."""
    from complaints.privacy import SOURCE_PURPOSE
    from complaints.services.checks import HOUR, hour_key
    from core.ratelimit import hashed_ip, increment

    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 2
    settings.CHALLENGE_BITS = 12
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    Department.objects.create(code="QH-ZJJ", name="市住房和城乡建设局", kind=DepartmentKind.BUREAU, parent=city)
    # Two complaints already came from this address (the browser's) this hour.
    for _sent in range(2):
        increment(hour_key("submit", hashed_ip(SOURCE_PURPOSE, "127.0.0.1")), HOUR)

    page.goto(site.url + "/")
    page.locator(".platform", has_text="网络投诉").click()
    page.get_by_role("link", name="我要投诉").first.click()
    page.select_option("#id_concerned_department", label="市住房和城乡建设局")
    page.fill("#id_description", "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。")
    page.click("main button[type=submit]")
    # Asked for the check, not refused; nothing marked as wrong; the text is kept.
    expect(page.locator(".form-errors")).to_contain_text("验证")
    expect(page.locator(".form-errors")).not_to_contain_text("标出")
    expect(page.locator("[aria-invalid=true]")).to_have_count(0)
    expect(page.locator("#id_description")).to_have_value("办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。")
    expect(page.locator("#challenge-status")).to_contain_text("验证已完成")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("complaints_challenge_solved")
    assert not Complaint.objects.exists()
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("TS")
    assert Complaint.objects.count() == 1
    expect(page.locator("main")).to_contain_text(Complaint.objects.get().reference)
    screenshot("complaints_challenge_accepted")


def test_the_app_solves_the_check_of_a_busy_network_and_shows_the_receipt(site, page, screenshot, settings):
    """App → 网络投诉 → 我要投诉 from a network past its hourly share: the screen is asked for the proof of work
    (core/challenge.py), solves it in the browser, sends again with the same key and shows the receipt."""
    from complaints.privacy import SOURCE_PURPOSE
    from complaints.services.checks import HOUR, hour_key
    from core.ratelimit import hashed_ip, increment

    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 1
    settings.CHALLENGE_BITS = 12
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    Department.objects.create(code="QH-ZJJ", name="市住房和城乡建设局", kind=DepartmentKind.BUREAU, parent=city)
    increment(hour_key("submit", hashed_ip(SOURCE_PURPOSE, "127.0.0.1")), HOUR)  # this network's share is used
    sent = []
    page.on(
        "request",
        lambda r: (
            sent.append((r.post_data_buffer or b"", r.headers.get("idempotency-key")))
            if r.method == "POST" and r.url.endswith("/complaints/new/")
            else None
        ),
    )

    page.goto(site.url + "/app/complaints")
    page.get_by_role("link", name="我要投诉").click()
    page.select_option("#c-dept", label="市住房和城乡建设局")
    page.fill("#c-desc", "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。")
    page.click("#complaint button[type=submit]")
    expect(page.locator(".receipt-code")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("app_complaints_challenge_accepted")
    # Two sends of one complaint: the first asked for the check, the second carried the solution and the same key.
    assert len(sent) == 2 and b"challenge_token" not in sent[0][0] and b"challenge_counter" in sent[1][0]
    assert sent[0][1] and sent[0][1] == sent[1][1]
    assert Complaint.objects.count() == 1
    expect(page.locator(".reference")).to_have_text(Complaint.objects.get().reference)
