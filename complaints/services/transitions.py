"""The investigation workflow: each action moves a complaint along complaints.workflow.TRANSITIONS.

One path for all of them (``_transition``): lock the row, check the action is allowed from its status, change it,
stop the open stage's clock and start the next, record the event, queue the reporter's SMS, in one transaction.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, Decision
from complaints.services.checks import require_handler, required
from complaints.services.stages import clock_start, record, start_stage, stop_open_stages
from complaints.services.texts import notify_reporter
from complaints.workflow import FINAL_STATES, TRANSITIONS
from core.error_codes import CommonErrorCode
from directory.models import Department


def _transition(complaint, action, by, payload=None, update=None):
    """Move a complaint along TRANSITIONS: lock, check, change, clocks, event, SMS. Returns the complaint."""
    require_handler(by)
    sources, target, kind = TRANSITIONS[action]
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status not in sources:
            raise ValidationError(
                _("This complaint is %(status)s: it cannot be %(action)s now.")
                % {"status": locked.get_status_display(), "action": ACTION_LABELS()[action]},
                code=CommonErrorCode.INVALID_TRANSITION,
            )
        now = timezone.now()
        from_state = locked.status
        locked.status = target
        for name, value in (update or {}).items():
            setattr(locked, name, value)
        if target in FINAL_STATES and locked.closed_at is None:
            locked.closed_at = now
        locked.save()
        clocks = stop_open_stages(locked, now)
        stage = start_stage(locked, target, now)
        if stage is not None:
            clocks.append(clock_start(locked, stage))
        record(locked, kind, by, from_state=from_state, to_state=target, payload=payload, clocks=clocks)
        notify_reporter(locked, target)
    complaint.refresh_from_db()
    return complaint


def ACTION_LABELS() -> dict[str, str]:  # noqa: N802 - a table, translated per call
    return {
        "acknowledge": _("acknowledged"),
        "accept": _("accepted as a case"),
        "not_accept": _("refused"),
        "transfer": _("transferred"),
        "start_investigation": _("put under investigation"),
        "conclude": _("concluded"),
        "close": _("closed"),
    }


def acknowledge(complaint: Complaint, by: AbstractUser) -> Complaint:
    return _transition(complaint, "acknowledge", by)


def accept(complaint: Complaint, by: AbstractUser, handling_department: Department | None = None) -> Complaint:
    """立案: the complaint becomes a case, handled by the given department (default: as before)."""
    update = {"handling_department": handling_department} if handling_department is not None else None
    return _transition(complaint, "accept", by, update=update)


def not_accept(complaint: Complaint, by: AbstractUser, reason: str) -> Complaint:
    reason = required(reason, "reason", _("Give the reason for not accepting the complaint."))
    return _transition(complaint, "not_accept", by, payload={"reason": reason}, update={"outcome": reason})


def transfer(complaint: Complaint, by: AbstractUser, to_body: str) -> Complaint:
    to_body = required(to_body, "to_body", _("Name the competent body the complaint goes to."))
    return _transition(complaint, "transfer", by, payload={"to_body": to_body}, update={"transferred_to": to_body})


def start_investigation(complaint: Complaint, by: AbstractUser) -> Complaint:
    return _transition(complaint, "start_investigation", by)


def conclude(complaint: Complaint, by: AbstractUser, decision: str, outcome: str) -> Complaint:
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")}, code=CommonErrorCode.INVALID)
    outcome = required(outcome, "outcome", _("Write the outcome the reporter will read."))
    payload = {
        "decision": decision,
        "concerned_department_id": complaint.concerned_department_id,
        "final": True,
    }
    return _transition(complaint, "conclude", by, payload=payload, update={"decision": decision, "outcome": outcome})


def close(complaint: Complaint, by: AbstractUser, reason: str) -> Complaint:
    """Closing is the only way a complaint ends without a decision, and it needs a written reason."""
    reason = required(reason, "reason", _("Give the reason for closing the complaint."))
    return _transition(
        complaint, "close", by, payload={"reason": reason, "final": True}, update={"closed_reason": reason}
    )
