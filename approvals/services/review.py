"""Steps and parallel review (并联审批): starting a stage (one step per department, each with its own clock), a
handler taking a step, a department's decision, and the joint outcome when a stage's last department answers."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from approvals import permissions
from approvals.models import ApplicationStep, State, StepKind, StepState
from approvals.services import timing
from approvals.services.recording import _record, _step_clock
from approvals.services.transitions import Conflict, _close_step, _lock, _save
from core.error_codes import CommonErrorCode
from core.events import ClockAction

S = State


def _start_stage(application, first_order, by, moment):
    """Start the item's next stage at or after `first_order`; returns its steps ([] when none is left)."""
    stage = application.item.steps.filter(order__gte=first_order).prefetch_related("departments").first()
    if stage is None:
        return []
    departments = list(stage.departments.all())
    started = []
    for department in departments:
        step = ApplicationStep.objects.create(
            application=application,
            item_step=stage,
            kind=StepKind.REVIEW,
            order=stage.order,
            name=stage.name,
            is_parallel=len(departments) > 1,
            department=department,
            started_at=moment,
            due_at=timing.due_after(moment, stage.working_days),
        )
        step.application = application
        _record(
            application,
            "step.started",
            None,  # started by the procedure, not by a person: the acting department is the one before
            application.state,
            application.state,
            step=step,
            payload={"promised_working_days": stage.working_days, "parallel": step.is_parallel},
            clocks=[_step_clock(step, ClockAction.START, step.due_at)],
        )
        started.append(step)
    return started


def take_step(step: ApplicationStep, *, by: AbstractBaseUser) -> ApplicationStep:
    """A handler takes a step of their department (becomes its assignee); only an unassigned open step."""
    if not permissions.handles_department(by, step.department_id):
        raise PermissionDenied(_("This step belongs to %(department)s.") % {"department": step.department})
    updated = ApplicationStep.objects.filter(pk=step.pk, state=StepState.ACTIVE, assignee__isnull=True).update(
        assignee=by
    )
    if not updated:
        raise Conflict(_("This step has already been taken or decided."))
    step.refresh_from_db()
    return step


def decide_step(
    step: ApplicationStep, *, by: AbstractBaseUser, approve: bool, opinion: str, legal_basis: str
) -> ApplicationStep:
    """A department's decision on its step; the last answer of a stage moves the case on (joint outcome)."""
    errors = {}
    if not (opinion or "").strip():
        errors["opinion"] = _("Write the review opinion.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _("Cite the legal basis of the decision.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        app = _lock(step.application, "decide_step")
        step = ApplicationStep.objects.select_related("department").get(pk=step.pk)
        step.application = app
        if step.kind != StepKind.REVIEW:
            raise ValidationError(_("Acceptance is decided at the window."), code=CommonErrorCode.INVALID_TRANSITION)
        if not permissions.handles_department(by, step.department_id):
            raise PermissionDenied(_("This step belongs to %(department)s.") % {"department": step.department})
        if step.state != StepState.ACTIVE:
            raise Conflict(_("This step has already been decided by someone else."))
        moment = timing.now()
        decision = "approved" if approve else "refused"
        _close_step(
            step, StepState.APPROVED if approve else StepState.REFUSED, by, moment, opinion.strip(), legal_basis.strip()
        )
        _save(app)  # bumps the version: a window action prepared before this decision must be redone
        _record(
            app,
            f"step.{decision}",
            by,
            S.IN_REVIEW,
            S.IN_REVIEW,
            step=step,
            payload={"decision": decision, "legal_basis": step.legal_basis, "opinion": step.opinion},
            clocks=[_step_clock(step, ClockAction.STOP)],
        )
        _after_stage_answer(app, step, by, moment)
    step.application.refresh_from_db()
    return step


def _after_stage_answer(app, step, by, moment):
    stage = list(app.steps.filter(kind=StepKind.REVIEW, order=step.order).select_related("department"))
    if any(s.state == StepState.ACTIVE for s in stage):
        return  # waiting for the other co-reviewing departments
    refused = [s for s in stage if s.state == StepState.REFUSED]
    if refused:
        app.state = S.REFUSED
        app.decision_reason = "\n".join(f"{s.department.name}：{s.opinion}" for s in refused)
        app.decision_basis = "\n".join(dict.fromkeys(s.legal_basis for s in refused))
        _save(app, "state", "decision_reason", "decision_basis")
        _record(
            app,
            "application.refused",
            None,  # the joint outcome: reached when the last department answered, decided by nobody alone
            S.IN_REVIEW,
            S.REFUSED,
            department=app.item.department,
            payload={
                "decision": "refused",
                "legal_basis": app.decision_basis,
                "reasons": [{"department_id": s.department_id, "reason": s.opinion} for s in refused],
            },
        )
        return
    if _start_stage(app, step.order + 1, by, moment):
        return
    app.state = S.APPROVED
    app.decision_basis = "\n".join(dict.fromkeys(s.legal_basis for s in stage))
    _save(app, "state", "decision_basis")
    _record(
        app,
        "application.approved",
        None,  # the joint outcome: reached when the last department answered, decided by nobody alone
        S.IN_REVIEW,
        S.APPROVED,
        department=app.item.department,
        payload={"decision": "approved", "legal_basis": app.decision_basis},
    )
