"""Supplements (补正): the one-time notice that pauses every running clock, and the applicant's answer that resumes
each with the working time it had left. A second request needs a written justification and flags the case."""

from collections.abc import Iterable, Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from approvals import permissions
from approvals.error_codes import ApprovalErrorCode
from approvals.models import Application, ApplicationStep, Material, State, StepState, SupplementNotice
from approvals.services import timing
from approvals.services.recording import _case_clock, _record, _step_clock
from approvals.services.submission import _store_files
from approvals.services.transitions import _lock, _running_steps, _save
from core import idempotency
from core.events import ClockAction

S = State


def can_request_supplement(user: AbstractBaseUser, application: Application) -> bool:
    if permissions.is_staff_of_centre(user, application.service_centre_id):
        return True
    if application.state == S.IN_REVIEW:
        department = permissions.department_of(user)
        return department is not None and any(
            permissions.handles_department(user, step.department_id) for step in _running_steps(application)
        )
    return False


def request_supplement(
    application: Application,
    *,
    by: AbstractBaseUser,
    materials: Iterable[str],
    note: str = "",
    justification: str = "",
) -> Application:
    """补正: one notice listing every missing material; every running clock pauses until they are supplied.

    `materials` are names (those of the item's list, or others the reviewer names). From the second request on a
    written justification is required and the case is flagged for supervision.
    """
    names = [name.strip() for name in materials if name and name.strip()]
    if not names:
        raise ValidationError({"materials": _("List every material the applicant must supply, at once.")})
    with transaction.atomic():
        app = _lock(application, "request_supplement", application.version)
        if not can_request_supplement(by, app):
            raise PermissionDenied(_("You may not request supplements on this application."))
        count = app.supplement_count + 1
        if count >= 2 and not (justification or "").strip():
            raise ValidationError(
                {
                    "justification": _(
                        "This application has already had a supplement request: a second one needs a written "
                        "justification, and it is reported to supervision."
                    )
                },
                code=ApprovalErrorCode.JUSTIFICATION_REQUIRED,
            )
        moment = timing.now()
        from_state = app.state
        steps = _running_steps(app)
        app.state, app.paused_from, app.paused_at, app.supplement_count = S.SUPPLEMENTING, from_state, moment, count
        app.flagged = app.flagged or count >= 2
        _save(app, "state", "paused_from", "paused_at", "supplement_count", "flagged")
        ApplicationStep.objects.filter(pk__in=[s.pk for s in steps]).update(paused_at=moment)
        SupplementNotice.objects.create(
            application=app,
            number=count,
            materials=names,
            note=note.strip(),
            justification=(justification or "").strip(),
            requested_by=by,
            requested_at=moment,
        )
        clocks = [_step_clock(step, ClockAction.PAUSE) for step in steps]
        if from_state == S.IN_REVIEW:
            clocks.append(_case_clock(app, ClockAction.PAUSE))
        department = permissions.department_of(by)
        own = next((s for s in steps if department is not None and s.department_id == department.pk), None)
        payload = {"supplement_count": count, "materials": names}
        if count >= 2:
            payload["justification"] = justification.strip()
        _record(
            app,
            "application.supplement_requested",
            by,
            from_state,
            S.SUPPLEMENTING,
            step=own,
            payload=payload,
            clocks=clocks,
        )
    application.refresh_from_db()
    return application


def supplement_application(
    application: Application,
    *,
    files: Sequence[tuple[Material | None, UploadedFile]],
    by: AbstractBaseUser | None = None,
    idempotency_key: str = "",
) -> Application:
    """The applicant supplies what the notice asked for; the case returns to where it was and the clocks resume.

    `files` is a list of (Material or None, UploadedFile); at least one file is needed. A resend with the same
    ``idempotency_key`` returns the application as the first one left it, instead of a wrong-state refusal.
    """
    if idempotency_key:
        return idempotency.once(
            f"approvals.supplement:{application.pk}",
            idempotency_key,
            lambda: supplement_application(application, files=files, by=by),
            owner=idempotency.owner_of(by),
            model=Application,
        )
    if not files:
        raise ValidationError(
            {"files": _("Upload the materials the notice asks for.")}, code=ApprovalErrorCode.MISSING_MATERIALS
        )
    with transaction.atomic():
        app = _lock(application, "supplement")
        if by is not None and not permissions.is_staff_of_centre(by, app.service_centre_id):
            raise PermissionDenied(_("Only the applicant or window staff may supply materials."))
        notice = app.supplement_notices.order_by("-number").first()
        moment = timing.now()
        _store_files(app, files, app.supplement_count)
        paused_at = app.paused_at
        to_state = app.paused_from or S.SUBMITTED
        clocks = []
        for step in app.steps.filter(state=StepState.ACTIVE, paused_at__isnull=False).select_related("department"):
            step.application = app
            step.due_at = timing.carried_due(step.due_at, step.paused_at, moment)
            ApplicationStep.objects.filter(pk=step.pk).update(due_at=step.due_at, paused_at=None)
            clocks.append(_step_clock(step, ClockAction.RESUME, step.due_at))
        if to_state == S.IN_REVIEW and app.due_at is not None:
            app.due_at = timing.carried_due(app.due_at, paused_at, moment)
            clocks.append(_case_clock(app, ClockAction.RESUME, app.due_at))
        app.state, app.paused_at, app.paused_from = to_state, None, ""
        _save(app, "state", "paused_at", "paused_from", "due_at")
        if notice is not None:
            SupplementNotice.objects.filter(pk=notice.pk).update(supplied_at=moment)
        _record(
            app,
            "application.supplemented",
            by,
            S.SUPPLEMENTING,
            to_state,
            payload={"supplement_count": app.supplement_count, "files": len(files)},
            clocks=clocks,
        )
    application.refresh_from_db()
    return application
