"""Supervision's operations: take in a domain event, run the clocks, sweep for due rungs, notify, open cases.

Where each operation lives:

- ``ingestion``: ``ingest`` a DomainEvent once, chain it, ``apply_clock`` its instructions, run the per-event rules.
- ``schedule``: each clock's next firing time; ``request_reschedule`` / ``reschedule_policy`` after a threshold
  policy changes, with a backstop schedule so that no lost task leaves clocks on the old thresholds.
- ``sweep``: fire every due rung, in batches, and queue the notifications after commit.
- ``notifications``: SMS each new alert to its handler and the department's supervisors (``notify_alerts``).
- ``cases``: special supervision cases on findings, and dismissed findings.

Findings are written by ``supervision.findings.record_finding``, outside this package, because the rules
(supervision/rules.py), which ingestion runs, write them too.
"""

from supervision.findings import record_finding
from supervision.services.cases import CaseError, close_case, dismiss_finding, open_case, save_case_notes
from supervision.services.ingestion import apply_clock, ingest
from supervision.services.notifications import alert_text, notify_alerts, supervisors_for
from supervision.services.schedule import (
    RESCHEDULE_BACKSTOP_DELAY,
    RESCHEDULE_BACKSTOP_MINUTES,
    default_thresholds,
    request_reschedule,
    reschedule_clock,
    reschedule_done,
    reschedule_policy,
    update_schedule,
)
from supervision.services.schedule import _reschedule_name as _reschedule_name  # the tests find backstops by it
from supervision.services.sweep import SWEEP_BATCH, THIRTY_DAYS, sweep

__all__ = [
    "RESCHEDULE_BACKSTOP_DELAY",
    "RESCHEDULE_BACKSTOP_MINUTES",
    "SWEEP_BATCH",
    "THIRTY_DAYS",
    "CaseError",
    "alert_text",
    "apply_clock",
    "close_case",
    "default_thresholds",
    "dismiss_finding",
    "ingest",
    "notify_alerts",
    "open_case",
    "record_finding",
    "request_reschedule",
    "reschedule_clock",
    "reschedule_done",
    "reschedule_policy",
    "save_case_notes",
    "supervisors_for",
    "sweep",
    "update_schedule",
]
