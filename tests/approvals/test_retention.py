import datetime

import pytest
from django.utils import timezone

from approvals.models import Application, SubmittedMaterial
from approvals.tasks import SCHEDULES, erase_old_materials

pytestmark = pytest.mark.django_db


def test_materials_of_long_completed_applications_are_removed_and_listed(submit, settings):
    settings.RETENTION_APPLICATION_MATERIALS_DAYS = 365
    old, recent = submit().application, submit().application
    Application.objects.filter(pk=old.pk).update(completed_at=timezone.now() - datetime.timedelta(days=400))
    first = SubmittedMaterial.objects.filter(application=old).first()
    name, storage = first.file.name, first.file.storage
    assert erase_old_materials() == SubmittedMaterial.objects.filter(application=old).count() >= 1
    first.refresh_from_db()
    assert not first.file and first.sha256 and not storage.exists(name)
    assert all(row.file for row in SubmittedMaterial.objects.filter(application=recent))
    settings.RETENTION_APPLICATION_MATERIALS_DAYS = 0
    assert erase_old_materials() == 0
    assert "approvals.erase_old_materials" in {s.name for s in SCHEDULES}
