"""The end of a case: completion (办结, the result document; the case clock stops), the applicant's rating, and
withdrawal (open steps cancelled, every running clock stopped)."""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from approvals import permissions
from approvals.error_codes import ApprovalErrorCode
from approvals.models import Application, ApplicationStep, MaterialKind, State, StepState
from approvals.services import ratings, timing
from approvals.services.recording import _case_clock, _record, _step_clock
from approvals.services.transitions import _lock, _running_steps, _save
from approvals.uploads import check_upload
from core.events import ClockAction

S = State


def can_complete(user: AbstractBaseUser, application: Application) -> bool:
    return permissions.is_staff_of_centre(user, application.service_centre_id) or permissions.handles_department(
        user, application.item.department_id
    )


def complete_application(
    application: Application, *, by: AbstractBaseUser, document: UploadedFile | None
) -> Application:
    """办结: attach the result document (a PDF: the licence, or the refusal decision) and stop the case clock."""
    if document is None:
        raise ValidationError({"document": _("Attach the result document.")}, code=ApprovalErrorCode.MISSING_DOCUMENT)
    try:
        check_upload(document, label=_("The result document"), kinds=[MaterialKind.PDF])
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from exc
    with transaction.atomic():
        app = _lock(application, "complete", application.version)
        if not can_complete(by, app):
            raise PermissionDenied(_("You may not complete this application."))
        moment = timing.now()
        from_state = app.state
        app.result_document.save("result.pdf", document, save=False)
        app.state, app.completed_at, app.result_document_name = S.COMPLETED, moment, (document.name or "")[:200]
        app.ended_at = moment
        _save(app, "state", "completed_at", "ended_at", "result_document", "result_document_name")
        _record(
            app,
            "application.completed",
            by,
            from_state,
            S.COMPLETED,
            department=app.item.department,
            payload={
                "final": True,
                "decision": "approved" if from_state == S.APPROVED else "refused",
                "result_document": app.result_document_name,
            },
            clocks=[_case_clock(app, ClockAction.STOP)],
        )
    application.refresh_from_db()
    return application


def rate_application(
    application: Application,
    *,
    rating: int | str | None,
    comment: str = "",
    reasons: Iterable[str] | None = (),
    idempotency_key: str = "",
) -> Application:
    """The applicant rates the whole case once, after completion (好差评: 1-5, reasons, a comment; see ratings)."""
    ratings.rate(application, rating=rating, reasons=reasons, comment=comment, idempotency_key=idempotency_key)
    application.refresh_from_db()
    return application


def withdraw_application(application: Application, *, reason: str = "") -> Application:
    """The applicant withdraws: open steps are cancelled and every running clock stops."""
    with transaction.atomic():
        app = _lock(application, "withdraw")
        from_state = app.state
        steps = _running_steps(app)
        ApplicationStep.objects.filter(pk__in=[s.pk for s in steps]).update(
            state=StepState.CANCELLED, decided_at=timing.now(), paused_at=None
        )
        clocks = [_step_clock(step, ClockAction.STOP) for step in steps]
        if app.accepted_at is not None:
            clocks.append(_case_clock(app, ClockAction.STOP))
        app.state, app.paused_at, app.paused_from, app.ended_at = S.WITHDRAWN, None, "", timing.now()
        _save(app, "state", "paused_at", "paused_from", "ended_at")
        _record(
            app,
            "application.withdrawn",
            None,
            from_state,
            S.WITHDRAWN,
            payload={"reason": (reason or "").strip()[:500], "final": True},
            clocks=clocks,
        )
    application.refresh_from_db()
    return application
