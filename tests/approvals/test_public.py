from django.urls import reverse

from approvals import services
from tests.approvals.conftest import application_form, docx, pdf


def test_catalogue_is_searchable_by_department_and_theme(client, item, city, django_assert_max_num_queries):
    url = reverse("approvals:catalogue")
    with django_assert_max_num_queries(8):
        response = client.get(url, {"q": "食品", "department": city.sjj.pk, "theme": "business"})
    assert "食品经营许可" in response.content.decode()
    assert "食品经营许可" not in client.get(url, {"theme": "health"}).content.decode()


def test_item_page_shows_flowchart_checklist_and_limits(client, item):
    response = client.get(reverse("approvals:item", args=[item.code]))
    html = response.content.decode()
    assert "<svg" in html and "并联会审" in html and "市住房和城乡建设局" in html
    # Where it is handled: the township centre by its township's name, under its county.
    assert "营业执照" in html and "<h3>临江县</h3>" in html and "<li>临江镇</li>" in html
    svg = client.get(reverse("approvals:flowchart", args=[item.code]))
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.content


def test_catalogue_json_uses_cpsv_ap_names(client, item):
    data = client.get("/approvals/catalogue.json").json()
    (service,) = data["PublicService"]
    assert service["identifier"] == item.code
    assert service["hasCompetentAuthority"]["prefLabel"] == "市市场监督管理局"
    assert {e["name"] for e in service["hasInput"]} >= {"营业执照"}
    assert service["hasCost"][0]["value"] == "0.00" and service["processingTime"] == "P5D"
    assert service["holdsRequirement"][0]["@type"] == "CriterionRequirement"


def test_apply_online_then_track(client, item, city):
    response = client.post(reverse("approvals:apply", args=[item.code]), application_form(item, city))
    assert response.status_code == 200, response.content.decode()[:2000]
    app = response.context["application"]
    code = response.context["code"]
    assert code in response.content.decode()
    other = client.__class__()
    detail = reverse("approvals:track_detail", args=[app.tracking_number])
    assert other.get(detail).status_code == 302  # no code given in this session: nothing shown
    response = other.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": code.lower()})
    assert response.status_code == 302 and response["Location"] == detail
    page = other.get(detail).content.decode()
    assert "Submitted" in page or "已提交" in page
    file_url = reverse("approvals:material_file", args=[app.submitted_materials.first().pk])
    assert other.get(file_url).status_code == 200
    assert client.__class__().get(file_url).status_code == 404


def test_apply_with_a_bad_file_says_why(client, item, city):
    data = application_form(item, city, second_material=docx("执照.pdf"))
    response = client.post(reverse("approvals:apply", args=[item.code]), data)
    assert response.status_code == 200 and "application" not in response.context
    assert "not an accepted file" in response.content.decode() or "不是可接受" in response.content.decode()


def test_a_wrong_code_reveals_nothing_and_is_rate_limited(client, submit, settings):
    app = submit().application
    wrong = client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": "AAAAAAAA"})
    unknown = client.post(reverse("approvals:track"), {"tracking_number": "QF2026000000000", "code": "AAAAAAAA"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    for _ in range(settings.APPROVALS_TRACKING_FAILURES):
        client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": "BBBBBBBB"})
    limited = client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": "CCCCCCCC"})
    assert limited.status_code == 429


def test_tracking_page_shows_step_department_officer_and_history(client, submit, staff, django_assert_max_num_queries):
    submission = submit()
    app = services.accept_application(submission.application, by=staff.window)
    step = app.steps.get(order=1)
    services.take_step(step, by=staff.sjj)
    client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": submission.code})
    with django_assert_max_num_queries(14):
        page = client.get(reverse("approvals:track_detail", args=[app.tracking_number])).content.decode()
    assert "市市场监督管理局" in page and f"QH-SJJ-{staff.sjj.cadre.pk:05d}" in page
    assert staff.sjj.first_name not in page  # the staff number, never the name


def test_applicant_supplies_materials_and_rates_from_the_tracking_page(client, submit, staff):
    submission = submit()
    app = services.request_supplement(submission.application, by=staff.window, materials=["身份证复印件"])
    client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": submission.code})
    url = reverse("approvals:track_detail", args=[app.tracking_number])
    response = client.post(url, {"action": "supplement", "file_0": pdf("身份证.pdf")})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == "submitted"
    response = client.post(url, {"action": "rate", "case-rating": 5})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.rating is None  # not completed yet: nothing rated


def test_online_applications_are_rate_limited_per_address(client, item, settings):
    settings.APPROVALS_APPLICATIONS_PER_HOUR = 1
    url = reverse("approvals:apply", args=[item.code])
    client.post(url, {})
    response = client.post(url, {})
    assert "Too many applications" in response.content.decode() or "申请过多" in response.content.decode()
