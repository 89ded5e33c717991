"""Acceptance at the window: 受理 (the case clock starts and the first stage begins) or 不予受理 (refused, with the
reason and its legal basis). Either way the acceptance step and its clock end."""

from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from approvals.models import Application, State, StepKind, StepState
from approvals.services import timing
from approvals.services.recording import _case_clock, _record, _step_clock
from approvals.services.review import _start_stage
from approvals.services.transitions import _close_step, _lock, _require_window, _save
from core.events import ClockAction

S = State


def _acceptance_step(application):
    return application.steps.filter(kind=StepKind.ACCEPTANCE).order_by("-pk").first()


def accept_application(
    application: Application, *, by: AbstractBaseUser, fee_charged: Decimal | str | int | None = None
) -> Application:
    """受理: window staff accept; the case clock starts and the first stage goes to its department(s)."""
    with transaction.atomic():
        app = _lock(application, "accept", application.version)
        _require_window(by, app)
        moment = timing.now()
        item = app.item
        app.state, app.accepted_at = S.IN_REVIEW, moment
        app.due_at = timing.due_after(moment, item.promised_days)
        _save(app, "state", "accepted_at", "due_at")
        acceptance = _acceptance_step(app)
        clocks = [_case_clock(app, ClockAction.START, app.due_at)]
        if acceptance is not None and acceptance.state == StepState.ACTIVE:
            _close_step(acceptance, StepState.APPROVED, by, moment)
            clocks.insert(0, _step_clock(acceptance, ClockAction.STOP))
        given = set(app.submitted_materials.exclude(material=None).values_list("material_id", flat=True))
        missing = [m.name for m in item.materials.all() if m.required and m.pk not in given]
        fee = Decimal(item.fee if fee_charged is None else fee_charged)
        _record(
            app,
            "application.accepted",
            by,
            S.SUBMITTED,
            S.IN_REVIEW,
            step=acceptance,
            payload={
                "materials_missing": missing,
                "fee_charged": f"{fee:.2f}",
                "fee_published": f"{item.fee:.2f}",
                "promised_working_days": item.promised_days,
            },
            clocks=clocks,
        )
        _start_stage(app, 1, by, moment)
    application.refresh_from_db()
    return application


def refuse_acceptance(application: Application, *, by: AbstractBaseUser, reason: str, legal_basis: str) -> Application:
    """不予受理: refused at the window, with the reason and its legal basis (both required)."""
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for not accepting.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _("Cite the legal basis.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        app = _lock(application, "not_accept", application.version)
        _require_window(by, app)
        moment = timing.now()
        app.state, app.decision_reason, app.decision_basis = S.NOT_ACCEPTED, reason.strip(), legal_basis.strip()
        app.ended_at = moment
        _save(app, "state", "decision_reason", "decision_basis", "ended_at")
        acceptance = _acceptance_step(app)
        clocks = []
        if acceptance is not None and acceptance.state == StepState.ACTIVE:
            _close_step(acceptance, StepState.REFUSED, by, moment, reason.strip(), legal_basis.strip())
            clocks.append(_step_clock(acceptance, ClockAction.STOP))
        _record(
            app,
            "application.not_accepted",
            by,
            S.SUBMITTED,
            S.NOT_ACCEPTED,
            step=acceptance,
            payload={"reason": app.decision_reason, "legal_basis": app.decision_basis, "final": True},
            clocks=clocks,
        )
    application.refresh_from_db()
    return application
