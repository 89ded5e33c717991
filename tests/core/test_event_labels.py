"""Issue 16: every event kind a platform publishes has a translated label; states and clock changes have words."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from core import events

KIND = re.compile(r"""["']((?:application|step|complaint|stage|calendar)\.[a-z_]+)["']""")
SOURCES = ("approvals", "complaints", "core")
# The audit chain's kinds: the first literal of every audit.append(kind, ...) and audit.append_many([(kind, ...
AUDIT_KIND = re.compile(r"""audit\.append(?:_many\(\s*\[\s*\(|\()\s*["']([a-z_.]+)["']""")


def _audit_kinds():
    found = set()
    for path in (Path(settings.BASE_DIR) / "supervision").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "migrations" not in path.parts and "audit.append" in text:
            found |= set(AUDIT_KIND.findall(text))
    return found


def _published_kinds():
    """Every kind literal in the publishing apps' code (transitions, services, recorders)."""
    found = set()
    for app in SOURCES:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= set(KIND.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_published_kind_has_a_chinese_and_an_english_label():
    kinds = _published_kinds()
    assert len(kinds) > 20  # the scan found the platforms' kinds
    audit_kinds = _audit_kinds()
    assert {"event", "alert", "forum.moderation", "sms.audit", "case.opened"} <= audit_kinds  # the scan found them
    missing = (kinds | audit_kinds) - set(events.registered_kinds())
    assert not missing, f"event kinds without a label: {sorted(missing)}"
    for kind in events.registered_kinds():
        with translation.override("zh-hans"):
            chinese = events.label_for(kind)
        with translation.override("en"):
            english = events.label_for(kind)
        assert re.search(r"[\u4e00-\u9fff]", chinese), (kind, chinese)
        assert kind not in chinese and kind not in english and english != chinese


def test_an_unnamed_kind_state_or_clock_change_shows_a_word_not_its_code():
    with translation.override("zh-hans"):
        assert events.label_for("nothing.happened") == "其他事项"
        assert events.state_label("approvals", "in_review") == "审查中"
        assert events.state_label("complaints", "investigating") == "调查中"
        assert events.state_label("approvals", "nonsense") == "其他状态"
        assert events.state_label("approvals", "") == ""
        assert [events.clock_action_label(a) for a in events.ClockAction.ALL] == [
            "开始计时",
            "暂停计时",
            "恢复计时",
            "停止计时",
        ]
