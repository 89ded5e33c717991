"""Application materials on S3-compatible object storage (a real S3 API: moto's server, tests/fakes/s3_server.py):
under the private prefix, streamed only to the applicant and the staff who handle the case, erased on schedule."""

import datetime

from django.urls import reverse
from django.utils import timezone

from approvals import services
from approvals.models import SubmittedMaterial
from approvals.retention import erase_old_materials
from tests.approvals.conftest import application_form


def test_materials_go_to_the_private_prefix_and_only_the_applicant_and_staff_read_them(
    client, item, city, staff, object_storage, django_user_model
):
    response = client.post(reverse("approvals:apply", args=[item.code]), application_form(item, city))
    assert response.status_code == 200, response.content.decode()[:2000]
    app, code = response.context["application"], response.context["code"]
    rows = list(app.submitted_materials.order_by("pk"))
    assert sorted(object_storage.keys()) == sorted(f"private/{row.file.name}" for row in rows)
    row = rows[-1]
    url = reverse("approvals:material_file", args=[row.pk])

    applicant = client.__class__()
    detail = reverse("approvals:track_detail", args=[app.tracking_number])
    assert (
        applicant.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": code})["Location"]
        == detail
    )
    response = applicant.get(url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content) == object_storage.read(f"private/{row.file.name}")

    assert client.__class__().get(url).status_code == 404  # a stranger
    outsider = django_user_model.objects.create_user("outsider", password="x")
    other = client.__class__()
    other.force_login(outsider)
    assert other.get(url).status_code == 404  # logged in, but nothing to do with the case
    window = client.__class__()
    window.force_login(staff.window)
    assert window.get(url).status_code == 200


def test_materials_of_withdrawn_cases_are_erased_from_the_object_store(submit, staff, object_storage, settings):
    settings.RETENTION_APPLICATION_MATERIALS_DAYS = 30
    app = services.accept_application(submit().application, by=staff.window)
    withdrawn = services.withdraw_application(submit().application, reason="材料有误，重新申请")
    assert len(object_storage.keys("private/approvals/")) == 4 and object_storage.keys("media/") == []
    assert erase_old_materials(now=timezone.now() + datetime.timedelta(days=31)) == 2
    assert {r.application_id for r in SubmittedMaterial.objects.exclude(file="")} == {app.pk}
    assert len(object_storage.keys("private/approvals/")) == 2
    assert withdrawn.ended_at is not None


def test_materials_an_earlier_release_kept_in_media_move_to_the_private_storage(submit, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.storage import move_to_private, private_storage

    row = submit().application.submitted_materials.first()
    name, body = row.file.name, row.file.read()
    private_storage().delete(name)
    default_storage.save(name, ContentFile(body))  # where materials were before (MEDIA_ROOT, served by nginx)
    assert move_to_private(SubmittedMaterial, "file") == 1
    assert private_storage().open(name).read() == body and not default_storage.exists(name)
    assert move_to_private(SubmittedMaterial, "file") == 0  # run twice: nothing left to move
