"""Where supervision listens: domain events, forum moderation, and the SMS campaign audit log."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def on_domain_event(sender, event, **kwargs):
    from supervision.services import ingest

    ingest(event)


def on_domain_events(sender, events, **kwargs):
    from supervision.services.ingestion import ingest_many

    ingest_many(events)


def on_moderation_action(sender, instance, created, **kwargs):
    if not created or kwargs.get("raw"):
        return
    from supervision import audit

    audit.append(
        "forum.moderation",
        f"forum.moderationaction:{instance.pk}",
        {
            "action": instance.action,
            "moderator_id": instance.moderator_id,
            "post_id": instance.post_id,
            "topic_id": instance.topic_id,
            "from_status": instance.from_status,
            "to_status": instance.to_status,
            "reason": instance.reason,
            "at": instance.created_at,
        },
    )


class AuditLogHandler(logging.Handler):
    """Appends each line of the "sms.audit" logger (campaign transitions) to the audit chain.

    The line is chained in the transaction that logged it, so a transition that rolls back leaves no record.
    """

    def emit(self, record):
        from supervision import audit

        try:
            with transaction.atomic():
                audit.append("sms.audit", f"{record.name}:{record.levelname}", {"message": record.getMessage()})
        except Exception:  # noqa: BLE001 - logging must never break the campaign it records
            self.handleError(record)


_handler = AuditLogHandler()


def attach_sms_audit_handler():
    sms_audit = logging.getLogger("sms.audit")
    if _handler not in sms_audit.handlers:
        sms_audit.addHandler(_handler)
    if sms_audit.level == logging.NOTSET or sms_audit.level > logging.INFO:
        sms_audit.setLevel(logging.INFO)


def on_threshold_saved(sender, instance, **kwargs):
    """Running clocks on these thresholds get their next check recomputed, after commit, in a task."""
    if kwargs.get("raw"):
        return
    from supervision.services import request_reschedule

    request_reschedule(instance.policy)
