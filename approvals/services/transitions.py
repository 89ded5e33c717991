"""The transition table and the guards every transition passes: the row lock, the state check, optimistic
versioning, and the window-staff check."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import permissions
from approvals.models import Application, ApplicationStep, State, StepState
from core.error_codes import CommonErrorCode

S = State

# action -> (the states it may start from, the state it leads to; None: decided by the action)
TRANSITIONS = {
    "accept": ({S.SUBMITTED}, S.IN_REVIEW),
    "not_accept": ({S.SUBMITTED}, S.NOT_ACCEPTED),
    "request_supplement": ({S.SUBMITTED, S.IN_REVIEW}, S.SUPPLEMENTING),
    "supplement": ({S.SUPPLEMENTING}, None),  # back to where it paused
    "decide_step": ({S.IN_REVIEW}, None),  # stays in review, or reaches the joint outcome
    "complete": ({S.APPROVED, S.REFUSED}, S.COMPLETED),
    "rate": ({S.COMPLETED}, S.COMPLETED),
    "withdraw": ({S.SUBMITTED, S.SUPPLEMENTING, S.IN_REVIEW}, S.WITHDRAWN),
}
FINAL_STATES = {S.NOT_ACCEPTED, S.COMPLETED, S.WITHDRAWN}


class Conflict(ValidationError):
    """Someone else changed the case first: the loser's action is not applied."""

    def __init__(self, message=None):
        super().__init__(
            message or _("Someone else has just acted on this application. Reload it to see what changed."),
            code=CommonErrorCode.CONFLICT,
        )


def _lock(application, action, expected_version=None):
    """Lock the row, check the transition is allowed now and (if given) that nobody changed the case since."""
    # of=self: PostgreSQL would otherwise also lock the joined item and service centre rows, which every case of
    # the centre shares, so that concurrent decisions on different cases queued behind each other and deadlocked.
    current = (
        Application.objects.select_for_update(of=("self",))
        .select_related("item", "service_centre")
        .get(pk=application.pk)
    )
    allowed_from, _to = TRANSITIONS[action]
    if expected_version is not None and current.version != expected_version:
        raise Conflict()
    if current.state not in allowed_from:
        raise ValidationError(
            _("This cannot be done while the application is “%(state)s”.") % {"state": current.get_state_display()},
            code=CommonErrorCode.INVALID_TRANSITION,
        )
    return current


def _save(application, *fields):
    """Write the changed fields and bump the version, only if the version is still the one we locked."""
    version = application.version
    application.version = version + 1
    values = {name: getattr(application, name) for name in fields}
    updated = Application.objects.filter(pk=application.pk, version=version).update(
        version=version + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise Conflict()


def _require_window(by, application):
    if by is None or not permissions.is_staff_of_centre(by, application.service_centre_id):
        raise PermissionDenied(
            _("Only window staff of %(centre)s may do this.") % {"centre": application.service_centre}
        )


def _close_step(step, state, by, moment, opinion="", legal_basis=""):
    updated = ApplicationStep.objects.filter(pk=step.pk, state=StepState.ACTIVE).update(
        state=state, decided_at=moment, assignee=by, opinion=opinion, legal_basis=legal_basis
    )
    if not updated:
        raise Conflict(_("This step has already been decided by someone else."))
    step.state, step.decided_at, step.assignee, step.opinion, step.legal_basis = (
        state,
        moment,
        by,
        opinion,
        legal_basis,
    )


def _running_steps(application):
    return list(
        application.steps.filter(state=StepState.ACTIVE).select_related("department", "assignee").order_by("pk")
    )
