"""Audit checkpoints go through the checkpoint storage: a directory by default, the object store's audit/ prefix
with S3 (a real S3 API: moto's server, tests/fakes/s3_server.py); the audit check reads them back from there."""

import json

import pytest

from supervision import audit
from supervision.models import AuditRecord, Checkpoint

pytestmark = pytest.mark.django_db


def _chain(n):
    for i in range(n):
        audit.append("test.event", f"test:{i}", {"i": i})


def test_a_checkpoint_is_written_to_the_object_store_and_verified_by_the_audit_check(signing_key, object_storage):
    _chain(3)
    checkpoint = audit.write_checkpoint()
    key = f"audit/{checkpoint.file_name}"
    assert object_storage.keys() == [key]
    document = json.loads(object_storage.read(key))
    assert document["seq"] == 3 and audit.verify_checkpoint(document, public_key=signing_key)
    report = audit.check()
    assert (report.intact, report.records, report.checkpoints) == (True, 3, 1)

    # A database administrator rewrites record 3 and deletes the checkpoint row: the stored file still catches it.
    record = AuditRecord.objects.get(seq=3)
    record.data = record.data.replace("2", "7")
    record.hash = audit.record_hash(record.prev_hash, 3, record.kind, record.ref, record.recorded_at, record.data)
    record.save()
    from supervision.models import ChainHead

    ChainHead.objects.filter(pk=1).update(hash=record.hash)
    Checkpoint.objects.all().delete()
    assert [(p.seq, p.kind) for p in audit.verify()] == [(3, "checkpoint")]


def test_a_stored_checkpoint_that_differs_from_its_row_is_reported(signing_key, settings):
    from core.storage import checkpoint_storage

    _chain(2)
    checkpoint = audit.write_checkpoint()
    storage = checkpoint_storage()
    assert storage.exists(checkpoint.file_name) and settings.SUPERVISION_CHECKPOINT_DIR in storage.path(
        checkpoint.file_name
    )
    Checkpoint.objects.filter(pk=checkpoint.pk).update(signature="A" * 88)
    kinds = [(p.seq, p.kind) for p in audit.verify()]
    assert (2, "checkpoint") in kinds and len(kinds) == 2  # a bad signature in the row, a file that disagrees
