import logging

import pytest
from django.core.management import call_command

from supervision import audit, tasks
from supervision.models import Alert, Checkpoint
from tests.supervision.factories import at, make_event, publish, start

pytestmark = pytest.mark.django_db


def test_schedules_are_declared_and_synced():
    from core.schedules import sync_schedules

    created, _updated = sync_schedules()
    assert {"supervision.sweep", "supervision.notify", "supervision.checkpoint", "supervision.periodic_rules"} <= set(
        created
    )
    from django_q.models import Schedule

    assert Schedule.objects.get(name="supervision.sweep").minutes == 1


def test_the_sweep_notifies_by_sms_after_commit(
    bureau, handler, supervisor, django_capture_on_commit_callbacks, monkeypatch
):
    from sms.models import Notice
    from supervision import services

    publish(
        make_event(
            "step.started",
            department_id=bureau.pk,
            clocks=[start("approvals.step:1", at(day=27), department_id=bureau.pk, handler_id=handler.pk)],
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep(now=at(day=26, hour=11))
    alert = Alert.objects.get()
    assert alert.notified_at is not None
    assert Notice.objects.filter(key__startswith=f"supervision.clock:{alert.clock_id}:warning:").count() == 2


def test_the_checkpoint_task_without_a_key_logs_a_clear_error(settings, caplog):
    settings.SUPERVISION_SIGNING_KEY = ""
    settings.SUPERVISION_SIGNING_KEY_FILE = ""
    with caplog.at_level(logging.ERROR, logger="supervision.tasks"), pytest.raises(audit.SigningKeyMissing):
        tasks.write_audit_checkpoint()
    assert "SUPERVISION_SIGNING_KEY" in caplog.text


def test_the_checkpoint_task_and_a_key_file(settings, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key_file = tmp_path / "key.pem"
    key_file.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.SUPERVISION_SIGNING_KEY = ""
    settings.SUPERVISION_PUBLIC_KEY = ""
    settings.SUPERVISION_SIGNING_KEY_FILE = str(key_file)
    settings.SUPERVISION_CHECKPOINT_DIR = str(tmp_path / "out")
    publish(make_event("application.submitted"))
    name = tasks.write_audit_checkpoint()
    assert (tmp_path / "out" / name).exists()
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.seq == 1 and audit.verify_checkpoint(audit.checkpoint_document(checkpoint))


def test_a_bad_key_is_a_clear_error(settings):
    settings.SUPERVISION_SIGNING_KEY = "bm90IGEga2V5"
    with pytest.raises(audit.SigningKeyMissing, match="Ed25519"):
        audit.write_checkpoint()


def test_verify_audit_command_on_an_intact_chain(capsys):
    publish(make_event("application.submitted"))
    call_command("verify_audit")
    assert "1" in capsys.readouterr().out


def test_periodic_rules_task_runs():
    assert tasks.run_periodic_rules() == 0


def test_keygen_prints_a_usable_pair(capsys, settings, tmp_path):
    call_command("audit_keygen")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    settings.SUPERVISION_SIGNING_KEY = lines["SUPERVISION_SIGNING_KEY"]
    settings.SUPERVISION_PUBLIC_KEY = lines["SUPERVISION_PUBLIC_KEY"]
    settings.SUPERVISION_CHECKPOINT_DIR = str(tmp_path)
    checkpoint = audit.write_checkpoint()
    assert audit.verify_checkpoint(audit.checkpoint_document(checkpoint))
