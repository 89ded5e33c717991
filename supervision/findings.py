"""Write a finding once and chain it into the audit trail: what the rules (rules.py) and the services both do.

Its own module so that the rules, which the services run, need not import the services.
"""

from django.db import IntegrityError, transaction

from supervision import audit
from supervision.models import Finding, ReceivedEvent


def record_finding(
    *,
    rule: str,
    title: str,
    severity: str,
    message: str,
    dedupe_key: str,
    event: ReceivedEvent | None = None,
    subject: str = "",
    department_id: int | None = None,
    actor_id: int | None = None,
) -> Finding | None:
    """Write a finding once (by dedupe_key) and chain it. Returns the Finding, or None if it existed."""
    if Finding.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not roll back the publisher's transition
            finding = _create_finding(
                rule, title, severity, message, dedupe_key, event, subject, department_id, actor_id
            )
    except IntegrityError:
        return None
    audit.append(
        "finding",
        f"supervision.finding:{finding.pk}",
        {
            "rule": rule,
            "severity": severity,
            "message": finding.message,
            "subject": finding.subject,
            "event": event.key if event else None,
            "department_id": finding.department_id,
            "actor_id": finding.actor_id,
        },
    )
    return finding


def _create_finding(rule, title, severity, message, dedupe_key, event, subject, department_id, actor_id):
    return Finding.objects.create(
        rule=rule,
        title=str(title)[:200],
        severity=severity,
        message=str(message)[:500],
        subject=event.subject if event else subject,
        event=event,
        department_id=event.department_id if event and department_id is None else department_id,
        actor_id=event.actor_id if event and actor_id is None else actor_id,
        dedupe_key=dedupe_key,
    )
