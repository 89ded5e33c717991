from django.urls import reverse

from approvals import services
from approvals.models import State
from tests.approvals.conftest import pdf


def test_window_staff_queue_shows_only_their_centre(client, submit, staff, city, django_assert_max_num_queries):
    mine = [submit().application for _ in range(3)]
    theirs = submit(centre=city.township_centre).application
    client.force_login(staff.window)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("approvals_admin:queue") + "?show=window").content.decode()
    assert all(app.tracking_number in html for app in mine)
    assert theirs.tracking_number not in html
    assert client.get(reverse("approvals_admin:detail", args=[theirs.pk])).status_code in (302, 403)


def test_department_queue_lists_its_steps_with_constant_queries(client, submit, staff, django_assert_max_num_queries):
    for _ in range(2):
        services.accept_application(submit().application, by=staff.window)
    client.force_login(staff.sjj)
    url = reverse("approvals_admin:queue") + "?show=steps"
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(5):
        services.accept_application(submit().application, by=staff.window)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("审查") >= 7
    client.force_login(staff.zjj)
    assert "审查" not in client.get(url).content.decode().split("<tbody>")[1]


def test_accept_decide_and_complete_through_the_admin(client, submit, staff):
    app = submit().application
    client.force_login(staff.window)
    response = client.post(reverse("approvals_admin:accept", args=[app.pk]), {"version": app.version})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == State.IN_REVIEW
    # A second window clerk with the page opened before: loses, with a message.
    response = client.post(reverse("approvals_admin:accept", args=[app.pk]), {"version": 0}, follow=True)
    assert "Someone else" in response.content.decode() or "刚刚" in response.content.decode()

    step = app.steps.get(order=1)
    client.force_login(staff.zjj)
    response = client.post(
        reverse("approvals_admin:decide", args=[app.pk]),
        {"step": step.pk, "decision": "approve", "opinion": "同意", "legal_basis": "法"},
        follow=True,
    )
    step.refresh_from_db()
    assert step.state == "active"  # not theirs

    client.force_login(staff.sjj)
    response = client.post(
        reverse("approvals_admin:decide", args=[app.pk]), {"step": step.pk, "decision": "approve", "opinion": ""}
    )
    assert response.status_code == 200  # the form again, with its errors
    client.post(
        reverse("approvals_admin:decide", args=[app.pk]),
        {"step": step.pk, "decision": "approve", "opinion": "同意", "legal_basis": "食品安全法"},
    )
    for step, user in [
        (app.steps.get(order=2, department__code="QH-ZJJ"), staff.zjj),
        (app.steps.get(order=2, department__code="QH-WJW"), staff.wjw),
    ]:
        client.force_login(user)
        client.post(
            reverse("approvals_admin:decide", args=[app.pk]),
            {"step": step.pk, "decision": "approve", "opinion": "同意", "legal_basis": "法"},
        )
    app.refresh_from_db()
    assert app.state == State.APPROVED
    client.force_login(staff.window)
    response = client.post(
        reverse("approvals_admin:complete", args=[app.pk]), {"version": app.version, "document": pdf("许可证.pdf")}
    )
    app.refresh_from_db()
    assert app.state == State.COMPLETED
    assert client.get(reverse("approvals:result_file", args=[app.tracking_number])).status_code == 200


def test_detail_page_renders_for_each_role(client, submit, staff):
    app = services.accept_application(submit().application, by=staff.window)
    for user in (staff.window, staff.sjj):
        client.force_login(user)
        response = client.get(reverse("approvals_admin:detail", args=[app.pk]))
        assert response.status_code == 200 and app.tracking_number in response.content.decode()


def test_walk_in_by_window_staff(client, staff, item):
    client.force_login(staff.window)
    materials = list(item.materials.all())
    url = reverse("approvals_admin:walk_in") + f"?item={item.code}"
    assert client.get(url).status_code == 200
    from tests.approvals.conftest import docx

    response = client.post(
        url,
        {
            "service_centre": staff.window.cadre.department_id,
            "applicant_kind": "person",
            "applicant_name": "王五",
            "applicant_phone": "13912345670",
            f"material_{materials[0].pk}": docx(),
            f"material_{materials[1].pk}": pdf(),
        },
    )
    assert response.status_code == 200 and response.context["app"].channel == "window"


def test_people_without_a_role_get_no_queue(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get(reverse("approvals_admin:queue")).status_code in (302, 403)
