import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from supervision import audit
from supervision.models import AuditRecord, Checkpoint
from tests.supervision.factories import make_event, publish

pytestmark = pytest.mark.django_db


def _chain(n=8):
    for i in range(n):
        publish(make_event("application.submitted", subject=f"approvals.application:{i}"))


def test_an_intact_chain_verifies():
    _chain()
    assert audit.verify() == []
    assert AuditRecord.objects.count() == 8
    assert list(AuditRecord.objects.values_list("seq", flat=True)) == list(range(1, 9))


def test_an_altered_row_and_a_deleted_row_are_both_named():
    _chain()
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET data = REPLACE(data, 'submitted', 'withdrawn') WHERE seq = 3")
        cursor.execute(f"DELETE FROM {table} WHERE seq = 6")

    problems = audit.verify()
    assert [(p.seq, p.kind) for p in problems] == [(3, "altered"), (6, "deleted")]


def test_an_inserted_row_is_named():
    _chain(4)
    last = AuditRecord.objects.get(seq=4)
    # A forged record with a valid hash of its own, on a made-up predecessor, appended after the head.
    forged_hash = audit.record_hash("f" * 64, 5, "event", "approvals:999", last.recorded_at, "{}")
    AuditRecord.objects.create(
        seq=5,
        kind="event",
        ref="approvals:999",
        recorded_at=last.recorded_at,
        data="{}",
        prev_hash="f" * 64,
        hash=forged_hash,
    )
    problems = audit.verify()
    assert problems and problems[0].seq == 5 and problems[0].kind == "inserted"


def test_deleting_the_last_row_is_detected_by_the_head():
    _chain(3)
    AuditRecord.objects.filter(seq=3).delete()
    assert [(p.seq, p.kind) for p in audit.verify()] == [(3, "deleted")]


def test_verify_audit_command_names_the_first_problem(capsys):
    _chain(3)
    AuditRecord.objects.filter(seq=2).update(ref="approvals:12345")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "#2" in out


def test_a_checkpoint_verifies_with_the_public_key(signing_key, settings):
    _chain(3)
    checkpoint = audit.write_checkpoint()
    document = json.loads((Path(settings.SUPERVISION_CHECKPOINT_DIR) / checkpoint.file_name).read_text())
    assert document["seq"] == 3 and document["hash"] == AuditRecord.objects.get(seq=3).hash
    assert audit.verify_checkpoint(document, public_key=signing_key)
    tampered = {**document, "hash": "0" * 64}
    assert not audit.verify_checkpoint(tampered, public_key=signing_key)
    assert audit.verify() == []


def test_a_rewritten_chain_contradicts_the_checkpoint(signing_key):
    _chain(3)
    audit.write_checkpoint()
    # A database administrator rewrites record 2 and recomputes every hash after it.
    records = list(AuditRecord.objects.order_by("seq"))
    prev = records[0].hash
    for record in records[1:]:
        if record.seq == 2:
            record.data = record.data.replace("submitted", "withdrawn")
        record.prev_hash = prev
        record.hash = audit.record_hash(prev, record.seq, record.kind, record.ref, record.recorded_at, record.data)
        record.save()
        prev = record.hash
    from supervision.models import ChainHead

    ChainHead.objects.filter(pk=1).update(hash=prev)
    problems = audit.verify()
    assert any(p.kind == "checkpoint" and p.seq == 3 for p in problems)


def test_a_missing_key_is_a_clear_error_and_the_chain_still_appends(settings):
    settings.SUPERVISION_SIGNING_KEY = ""
    settings.SUPERVISION_SIGNING_KEY_FILE = ""
    with pytest.raises(audit.SigningKeyMissing, match="SUPERVISION_SIGNING_KEY"):
        audit.write_checkpoint()
    _chain(1)
    assert AuditRecord.objects.count() == 1 and not Checkpoint.objects.exists()


def test_forum_moderation_actions_are_chained(django_user_model):
    from forum.models import ModerationAction

    action = ModerationAction.objects.create(action=ModerationAction.Action.HIDE, reason="违规内容")
    record = AuditRecord.objects.get(kind="forum.moderation")
    assert record.ref == f"forum.moderationaction:{action.pk}" and "违规内容" in record.data


def test_sms_campaign_audit_lines_are_chained():
    import logging

    logging.getLogger("sms.audit").info("campaign %s %s", 7, "approve")
    assert AuditRecord.objects.filter(kind="sms.audit", data__contains="campaign 7 approve").exists()


def test_the_check_says_how_many_records_and_checkpoints_it_verified(signing_key, client, django_user_model):
    from django.urls import reverse

    _chain(3)
    admin = django_user_model.objects.create_superuser("auditor", password="x")
    client.force_login(admin)
    url = reverse("supervision_audit")
    # No checkpoint yet: the page must not claim an agreement with checkpoints it does not have.
    html = client.post(url).content.decode()
    assert 'data-result="intact"' in html and "已核验 3 条记录" in html
    assert 'data-checkpoints="0"' in html and "尚无签名检查点" in html and "签名检查点一致" not in html
    report = audit.check()
    assert (report.records, report.checkpoints, report.intact) == (3, 0, True)

    audit.write_checkpoint()
    _chain(2)
    audit.write_checkpoint()
    html = client.post(url).content.decode()
    assert "已核验 5 条记录" in html and 'data-checkpoints="2"' in html and "已核验 2 个签名检查点" in html
    assert "SUPERVISION_" not in html


def test_the_verify_command_says_when_only_the_chain_was_checked(capsys):
    _chain(2)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "2" in out and ("尚无签名检查点" in out or "No signed checkpoint yet" in out)


def test_the_audit_list_shows_kinds_and_references_as_words(client, django_user_model):
    import logging

    from supervision.audit_labels import reference_label

    audit.append("forum.moderation", "forum.moderationaction:12", {"action": "hide"})
    audit.append("case.opened", "supervision.case:3", {"title": "x"})
    audit.append("event", "approvals:41", {})
    logging.getLogger("sms.audit").info("campaign %s %s", 7, "approve")
    admin = django_user_model.objects.create_superuser("auditor", password="x")
    client.force_login(admin)
    html = client.get("/admin/supervision/audit-record/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for word in ("论坛管理操作 #12", "立案督办", "督办案件 #3", "接收业务事件", "网上审批事件 #41", "短信群发状态变更"):
        assert word in html, word
    for code in ("forum.moderation", "forum.moderationaction:12", "supervision.case:3", "sms.audit", "approvals:41"):
        assert code not in html, code
    with translation.override("zh-hans"):
        assert reference_label("nobody.knows:1") == "其他记录"
