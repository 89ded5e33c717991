"""Complaint attachments on S3-compatible object storage (a real S3 API: moto's server, tests/fakes/s3_server.py):
stored under the private prefix, streamed to staff who may read the case, refused to others, erased on schedule."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import Attachment, Complaint
from complaints.retention import erase_old_attachments
from tests.complaints.conftest import form_data, jpeg_with_gps


def test_an_attachment_goes_to_the_private_prefix_and_only_staff_read_it(
    client, city, investigator, handler, object_storage, settings, caplog
):
    data = form_data(city)
    data["attachments"] = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert client.post("/complaints/new/", data).status_code == 200
    attachment = Attachment.objects.get()
    key = f"private/{attachment.file.name}"
    assert object_storage.keys() == [key]  # nothing public, nothing on local disk
    stored = object_storage.read(key)
    assert stored[:2] == b"\xff\xd8" and b"SecretCam" not in stored  # the cleaned copy, not the upload

    url = f"/admin/complaints/{attachment.complaint_id}/attachments/{attachment.pk}/"
    assert client.get(url).status_code in (302, 403)  # the reporter, or anyone without a login
    client.force_login(handler)
    assert client.get(url).status_code in (302, 403)  # staff who may not read complaints
    client.force_login(investigator)
    with caplog.at_level("INFO", logger="complaints"):
        response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    assert response["Content-Disposition"].startswith("attachment") and "no-store" in response["Cache-Control"]
    assert f"attachment {attachment.pk}" in caplog.text and investigator.username in caplog.text


def test_retention_erases_attachments_from_the_object_store(city, submit, object_storage, settings):
    settings.RETENTION_COMPLAINT_ATTACHMENTS_DAYS = 30
    complaint = submit(files=[SimpleUploadedFile("x.jpg", jpeg_with_gps())]).complaint
    assert len(object_storage.keys("private/")) == 1
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=timezone.now() - datetime.timedelta(days=31))
    assert erase_old_attachments() == 1
    assert object_storage.keys() == [] and not Attachment.objects.get().file
