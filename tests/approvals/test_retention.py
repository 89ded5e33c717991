import datetime

import pytest
from django.utils import timezone

from approvals.models import Application, SubmittedMaterial
from approvals.tasks import SCHEDULES, erase_old_materials

pytestmark = pytest.mark.django_db


def test_materials_of_long_completed_applications_are_removed_and_listed(submit, settings):
    settings.RETENTION_APPLICATION_MATERIALS_DAYS = 365
    old, recent = submit().application, submit().application
    ended = timezone.now() - datetime.timedelta(days=400)
    Application.objects.filter(pk=old.pk).update(completed_at=ended, ended_at=ended)
    first = SubmittedMaterial.objects.filter(application=old).first()
    name, storage = first.file.name, first.file.storage
    assert erase_old_materials() == SubmittedMaterial.objects.filter(application=old).count() >= 1
    first.refresh_from_db()
    assert not first.file and first.sha256 and not storage.exists(name)
    assert all(row.file for row in SubmittedMaterial.objects.filter(application=recent))
    settings.RETENTION_APPLICATION_MATERIALS_DAYS = 0
    assert erase_old_materials() == 0
    assert "approvals.erase_old_materials" in {s.name for s in SCHEDULES}


def test_materials_of_withdrawn_and_refused_applications_are_erased_too(submit, staff, settings):
    from approvals import services
    from approvals.retention import erase_old_materials

    settings.RETENTION_APPLICATION_MATERIALS_DAYS = 30
    withdrawn = services.withdraw_application(submit().application, reason="不办了")
    refused = services.refuse_acceptance(
        submit().application, by=staff.window, reason="不属于本中心受理范围", legal_basis="《行政许可法》第三十二条"
    )
    pending = submit().application
    assert withdrawn.ended_at and refused.ended_at and pending.ended_at is None
    assert erase_old_materials() == 0  # ended today: kept for the retention period
    assert erase_old_materials(now=timezone.now() + datetime.timedelta(days=31)) == 4
    assert {row.application_id for row in SubmittedMaterial.objects.filter(file="")} == {withdrawn.pk, refused.pk}
    assert all(row.file for row in SubmittedMaterial.objects.filter(application=pending))
