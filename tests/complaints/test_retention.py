import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import Attachment, Complaint
from complaints.tasks import SCHEDULES, erase_old_attachments
from tests.complaints.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_files_of_long_closed_complaints_are_removed_and_the_record_stays(submit, settings, client, investigator):
    settings.RETENTION_COMPLAINT_ATTACHMENTS_DAYS = 365
    old, recent, open_ = (
        submit(files=[SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")]).complaint
        for _i in range(3)
    )
    now = timezone.now()
    Complaint.objects.filter(pk=old.pk).update(closed_at=now - datetime.timedelta(days=366))
    Complaint.objects.filter(pk=recent.pk).update(closed_at=now - datetime.timedelta(days=10))
    stored = Attachment.objects.get(complaint=old)
    name, storage = stored.file.name, stored.file.storage
    assert erase_old_attachments() == 1
    stored.refresh_from_db()
    assert not stored.file and stored.size > 0 and not storage.exists(name)
    assert all(Attachment.objects.get(complaint=c).file for c in (recent, open_))
    client.force_login(investigator)
    assert client.get(reverse("complaints_admin:attachment", args=[old.pk, stored.pk])).status_code == 404
    assert "complaints.erase_old_attachments" in {s.name for s in SCHEDULES}
