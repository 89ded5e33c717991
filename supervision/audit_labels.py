"""Words for the audit chain's kinds and references: the admin list shows these, never the stored codes.

Kinds go through ``core.events.label_for``: supervision registers its own here (``register``, from its AppConfig);
forum and sms register the kinds recorded about them ("forum.moderation", "sms.audit") from theirs. A reference is
"what:number" (``supervision.case:3``) or a domain event's key (``approvals:12``); it reads as a word and a number.
"""

from django.apps import apps
from django.utils.translation import gettext, pgettext, pgettext_lazy

from core.events import register_labels

AUDIT_KIND_LABELS = {
    "event": pgettext_lazy("audit kind", "Event received"),
    "finding": pgettext_lazy("audit kind", "Finding raised"),
    "finding.dismissed": pgettext_lazy("audit kind", "Finding dismissed"),
    "alert": pgettext_lazy("audit kind", "Overdue warning raised"),
    "case.opened": pgettext_lazy("audit kind", "Supervision case opened"),
    "case.closed": pgettext_lazy("audit kind", "Supervision case closed"),
    "case.notes": pgettext_lazy("audit kind", "Supervision case notes changed"),
}

REFERENCE_LABELS = {
    "supervision.case": pgettext_lazy("audit reference", "Supervision case"),
    "supervision.finding": pgettext_lazy("audit reference", "Finding"),
    "supervision.clock": pgettext_lazy("audit reference", "Deadline clock"),
    "forum.moderationaction": pgettext_lazy("audit reference", "Forum moderation action"),
    "sms.audit": pgettext_lazy("audit reference", "SMS campaign log"),
}


def register() -> None:
    register_labels("supervision", events=AUDIT_KIND_LABELS)


def reference_label(ref: str) -> str:
    """``supervision.case:3`` -> "督办案件 #3"; ``approvals:12`` -> "网上审批 事件 #12"; an unknown kind -> a word."""
    what, _sep, rest = ref.partition(":")
    number = rest.split(":", 1)[0]
    label = REFERENCE_LABELS.get(what)
    if label is None and apps.is_installed(what):
        label = pgettext("audit reference", "%(platform)s event") % {"platform": apps.get_app_config(what).verbose_name}
    if label is None:
        return gettext("Other record")
    if what == "sms.audit" or not number.isdigit():
        return str(label)
    return f"{label} #{number}"
