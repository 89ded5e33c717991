"""Applications (办件): every change of state goes through one function here, which checks the transition, records
an ``ApplicationEvent`` and publishes it to supervision (``core.events``) in the same transaction.

The state machine (TRANSITIONS below is the one source of truth)::

    submitted ──accept──────────────▶ in_review ──(every stage approved)──▶ approved ──complete──▶ completed ──rate
        │  ╲──not_accept──▶ not_accepted      │  ╲──(a stage with a refusal)──▶ refused ──complete──▶ completed
        │   ╲──request_supplement──▶ supplementing ◀──request_supplement──╯
        │                              │ supplement: back to the state it came from, clocks resumed
        └──withdraw (also from supplementing and in_review)──▶ withdrawn

Steps. Submission opens the acceptance step at the service centre (its own clock). Acceptance starts the case
clock (the promised limit) and the first stage of the item's procedure: one ``ApplicationStep`` per department,
several for a parallel joint review (并联审批), each with its own clock. A stage ends when every department has
answered; any refusal refuses the application with every refusal's reasons, otherwise the next stage starts, and
after the last the application is approved. Completion (办结) attaches the result document and stops the case clock.

Supplements (补正). A one-time notice lists every missing material; every running clock pauses; when the
applicant supplies them each clock resumes with the working time it had left carried over. A second request
needs a written justification and flags the case for supervision.

Concurrency. A transition locks the application row and applies only to the version its actor saw (window
actions) or to a step still open (department decisions): of two staff acting at once, one wins and the other is
told the case changed under them. Events, clocks and the applicant's SMS commit with the transition or not at all.
"""

import datetime
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from approvals import permissions
from approvals.models import (
    Application,
    ApplicationEvent,
    ApplicationStep,
    ApprovalItem,
    Channel,
    MaterialKind,
    State,
    StepKind,
    StepState,
    SubmittedMaterial,
    SupplementNotice,
)
from approvals.uploads import check_upload
from core import events, ratelimit
from core.events import Clock, ClockAction, DomainEvent
from core.workdays import add_working_days, working_days_between
from directory.models import Department, DepartmentKind
from sms.notices import queue_notice

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

# What the applicant is told by SMS when their case enters a state (English msgids; sent in Chinese).
SMS_TEXTS = {
    "application.submitted": gettext_noop("Your application for %(item)s was received, tracking number %(number)s."),
    "application.accepted": gettext_noop(
        "Your application %(number)s (%(item)s) was accepted; promised completion by %(due)s."
    ),
    "application.not_accepted": gettext_noop("Your application %(number)s (%(item)s) was not accepted: %(reason)s"),
    "application.supplement_requested": gettext_noop(
        "Your application %(number)s needs further materials: %(materials)s. Please supply them online or at the "
        "window; the time limit is paused until then."
    ),
    "application.supplemented": gettext_noop(
        "The materials for application %(number)s were received; the review continues."
    ),
    "application.approved": gettext_noop(
        "Your application %(number)s (%(item)s) was approved; the result will be issued soon."
    ),
    "application.refused": gettext_noop("Your application %(number)s (%(item)s) was refused: %(reason)s"),
    "application.completed": gettext_noop(
        "Your application %(number)s (%(item)s) is completed. Please rate our service."
    ),
    "application.withdrawn": gettext_noop("Your application %(number)s (%(item)s) was withdrawn."),
}


class Conflict(ValidationError):
    """Someone else changed the case first: the loser's action is not applied."""

    def __init__(self, message=None):
        super().__init__(
            message or _("Someone else has just acted on this application. Reload it to see what changed."),
            code="conflict",
        )


def now():
    return timezone.now().replace(microsecond=0)


def _local(moment):
    return timezone.localtime(moment)


def due_after(start, working_days):
    """The moment `working_days` working days after `start`, at the same time of day."""
    start = _local(start)
    day = add_working_days(start.date(), working_days, strict=True)
    return datetime.datetime.combine(day, start.timetz().replace(tzinfo=None), tzinfo=start.tzinfo)


def carried_due(due_at, paused_at, resumed_at):
    """A clock's new due time after a pause: the working time it had left, counted again from `resumed_at`."""
    due, paused, resumed = _local(due_at), _local(paused_at), _local(resumed_at)
    if due <= paused:  # already overdue when paused: stays overdue by as much
        return resumed - (paused - due)
    days = working_days_between(paused.date(), due.date(), strict=True)
    base = add_working_days(resumed.date(), days, strict=True) if days else resumed.date()
    time_of_day = datetime.timedelta(hours=due.hour, minutes=due.minute, seconds=due.second) - datetime.timedelta(
        hours=paused.hour, minutes=paused.minute, seconds=paused.second
    )
    return datetime.datetime.combine(base, resumed.timetz().replace(tzinfo=None), tzinfo=resumed.tzinfo) + time_of_day


# --- query codes ----------------------------------------------------------------------------------------------------

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def hash_code(code):
    key = hashlib.sha256(f"approvals.query-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, code.strip().upper()[:64].encode(), hashlib.sha256).hexdigest()


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_tracking_number(moment):
    return f"QF{_local(moment):%Y%m%d}{secrets.randbelow(10**8):08d}"


class RateLimited(Exception):
    pass


_DUMMY_HASH = hash_code("-")


def find_for_tracking(tracking_number, code, client_ip):
    """The application with this number if the code matches it, else None; the same None for both failures.

    Failed attempts are counted per client address (hashed) and per tracking number, so neither one address nor
    many can go on guessing; past the limit every attempt raises RateLimited, right or wrong. The application comes
    with its item and centre, ready for ``tracking.tracking_for``.
    """
    window = settings.APPROVALS_TRACKING_WINDOW
    bucket, _ends = ratelimit.window_bucket(time.time(), window)
    ip_key = f"approvals:track:ip:{ratelimit.hashed_ip('approvals.track', client_ip)}:{bucket}"
    number = (tracking_number or "").strip().upper()[:20]
    number_key = f"approvals:track:no:{hashlib.sha256(number.encode()).hexdigest()[:32]}:{bucket}"
    limit = settings.APPROVALS_TRACKING_FAILURES
    # Fails closed (core/ratelimit.py): unmetered, tracking codes could be guessed; an outage answers 503.
    counts = ratelimit.counts([ip_key, number_key])
    if counts[ip_key] >= limit or counts[number_key] >= limit:
        raise RateLimited
    application = (
        Application.objects.select_related("item", "item__department", "service_centre")
        .filter(tracking_number=number)
        .first()
    )
    given = hash_code(code or "")
    # Compare in constant time, and against a dummy when the number is unknown, so timing tells nothing either.
    stored = application.code_hash if application is not None else _DUMMY_HASH
    if not constant_time_compare(given, stored) or application is None:
        ratelimit.increment(ip_key, window)
        ratelimit.increment(number_key, window)
        return None
    return application


# --- recording ------------------------------------------------------------------------------------------------------


def _actor_department(by):
    return permissions.department_of(by) if by is not None else None


def _actor_name(by):
    if by is None:
        return ""
    return by.get_full_name() or by.first_name or by.get_username()


def _item_facts(application):
    item = application.item
    return {"item": f"approvals.item:{item.pk}", "item_name": item.name, "reference": application.tracking_number}


def _record(application, kind, by, from_state, to_state, *, step=None, department=None, payload=None, clocks=()):
    """Write the event row, publish it to supervision and text the applicant, all in the caller's transaction."""
    moment = now()
    actor_department = _actor_department(by)
    facts = {**_item_facts(application), **(payload or {})}
    if actor_department is not None:
        facts["actor_department_id"] = actor_department.pk
    if department is None:
        department = step.department if step is not None else application.service_centre
    row = ApplicationEvent.objects.create(
        application=application,
        step=step,
        kind=kind,
        occurred_at=moment,
        actor=by,
        actor_name=_actor_name(by),
        actor_department=actor_department,
        department=department,
        from_state=from_state,
        to_state=to_state,
        payload=facts,
    )
    events.publish(
        DomainEvent(
            source="approvals",
            id=row.pk,
            kind=kind,
            occurred_at=moment,
            subject=application.subject,
            actor_id=by.pk if by is not None else None,
            actor_name=row.actor_name,
            department_id=department.pk if department else None,
            from_state=from_state,
            to_state=to_state,
            payload=facts,
            clocks=tuple(clocks),
        )
    )
    if kind in SMS_TEXTS:
        _notify(application, row)
    return row


def _notify(application, event):
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "item": application.item.name,
            "number": application.tracking_number,
            "due": _local(application.due_at).strftime("%Y-%m-%d %H:%M") if application.due_at else "",
            "reason": application.decision_reason or event.payload.get("reason", ""),
            "materials": "、".join(event.payload.get("materials", [])),
        }
        body = _(SMS_TEXTS[event.kind]) % values
    queue_notice(f"approvals.application:{application.pk}:event:{event.pk}", application.applicant_phone, body)


def _label(name, application):
    return f"{name} · {application.item.name} · {application.tracking_number}"


def _policy(application):
    return f"approvals.item:{application.item_id}"


def _case_clock(application, action, due_at=None):
    return Clock(
        key=application.subject,
        action=action,
        due_at=due_at,
        label=_label(_("Whole case"), application),
        department_id=application.item.department_id,
        policy=_policy(application),
    )


def _step_clock(step, action, due_at=None):
    return Clock(
        key=step.clock_key,
        action=action,
        due_at=due_at,
        label=_label(step.name, step.application),
        department_id=step.department_id,
        handler_id=step.assignee_id,
        policy=_policy(step.application),
    )


# --- transitions ----------------------------------------------------------------------------------------------------


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
            code="invalid_transition",
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


def _store_files(application, files, round_number):
    """Validate then store (material, upload) pairs; every file is checked before any is written."""
    checked = []
    for material, upload in files:
        label = material.name if material is not None else upload.name
        try:
            kind, size, digest = check_upload(upload, label=label)
        except ValidationError as exc:
            raise ValidationError({f"material_{material.pk}" if material else "files": exc.messages}) from exc
        checked.append((material, upload, kind, size, digest))
    for material, upload, kind, size, digest in checked:
        SubmittedMaterial.objects.create(
            application=application,
            material=material,
            file=upload,  # stored under SubmittedMaterial's random upload_to name, never the applicant's
            original_name=(upload.name or "")[:200],
            extension=kind,
            size=size,
            sha256=digest,
            round=round_number,
        )


def service_centres_for(item):
    """Where the item can be handled: the city centre (if so) and the township centres it is delegated to."""
    centres = list(item.township_centres.all())
    if item.at_city_centre:
        centres = (
            list(Department.objects.filter(kind=DepartmentKind.SERVICE_CENTRE, parent__kind=DepartmentKind.CITY))
            + centres
        )
    return centres


@dataclass
class Submission:
    application: Application
    code: str  # shown once to the applicant; only its hash is stored


def submit_application(
    item,
    *,
    service_centre,
    applicant_kind,
    applicant_name,
    applicant_phone,
    files,
    organisation_code="",
    description="",
    by=None,
):
    """Submit an application online (by=None) or enter a walk-in at the window (by=the window staff member).

    `files` is a list of (Material, UploadedFile). Every required material must be there and every file must
    pass the type and size checks; otherwise nothing is stored and the ValidationError names each problem.
    """
    if not item.is_published:
        raise ValidationError(_("This item is not open for applications."), code="unpublished")
    if service_centre.pk not in {centre.pk for centre in service_centres_for(item)}:
        raise ValidationError(
            {"service_centre": _("This item cannot be handled at %(centre)s.") % {"centre": service_centre}}
        )
    if by is not None and not permissions.is_staff_of_centre(by, service_centre.pk):
        raise PermissionDenied(_("Only window staff of %(centre)s may do this.") % {"centre": service_centre})
    materials = {m.pk: m for m in item.materials.all()}
    given = {material.pk for material, _upload in files if material is not None}
    if any(material is not None and material.pk not in materials for material, _upload in files):
        raise ValidationError({"files": _("A file was given for a material this item does not ask for.")})
    missing = [m.name for m in materials.values() if m.required and m.pk not in given]
    if missing:
        raise ValidationError(
            {"files": _("These required materials are missing: %(names)s.") % {"names": "、".join(missing)}},
            code="missing_materials",
        )
    moment = now()
    code = new_code()
    with transaction.atomic():
        application = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        tracking_number=new_tracking_number(moment),
                        code_hash=hash_code(code),
                        item=item,
                        service_centre=service_centre,
                        channel=Channel.WINDOW if by is not None else Channel.ONLINE,
                        applicant_kind=applicant_kind,
                        applicant_name=applicant_name,
                        applicant_phone=applicant_phone,
                        organisation_code=organisation_code,
                        description=description,
                        submitted_at=moment,
                    )
                break
            except IntegrityError:
                continue  # a tracking number taken a moment ago: draw another
        if application is None:
            raise ValidationError(_("Please try again."), code="retry")
        _store_files(application, files, 0)
        acceptance = ApplicationStep.objects.create(
            application=application,
            kind=StepKind.ACCEPTANCE,
            order=0,
            name=_("Acceptance"),
            department=service_centre,
            assignee=by,
            started_at=moment,
            due_at=due_after(moment, settings.APPROVALS_ACCEPTANCE_DAYS),
        )
        _record(application, "application.submitted", by, "", S.SUBMITTED, department=service_centre)
        _record(
            application,
            "step.started",
            by,
            S.SUBMITTED,
            S.SUBMITTED,
            step=acceptance,
            payload={"promised_working_days": settings.APPROVALS_ACCEPTANCE_DAYS},
            clocks=[_step_clock(acceptance, ClockAction.START, acceptance.due_at)],
        )
    return Submission(application=application, code=code)


def _acceptance_step(application):
    return application.steps.filter(kind=StepKind.ACCEPTANCE).order_by("-pk").first()


def accept_application(application, *, by, fee_charged=None):
    """受理: window staff accept; the case clock starts and the first stage goes to its department(s)."""
    with transaction.atomic():
        app = _lock(application, "accept", application.version)
        _require_window(by, app)
        moment = now()
        item = app.item
        app.state, app.accepted_at = S.IN_REVIEW, moment
        app.due_at = due_after(moment, item.promised_days)
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
            due_at=due_after(moment, stage.working_days),
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


def refuse_acceptance(application, *, by, reason, legal_basis):
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
        moment = now()
        app.state, app.decision_reason, app.decision_basis = S.NOT_ACCEPTED, reason.strip(), legal_basis.strip()
        _save(app, "state", "decision_reason", "decision_basis")
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


def _running_steps(application):
    return list(
        application.steps.filter(state=StepState.ACTIVE).select_related("department", "assignee").order_by("pk")
    )


def can_request_supplement(user, application):
    if permissions.is_staff_of_centre(user, application.service_centre_id):
        return True
    if application.state == S.IN_REVIEW:
        department = permissions.department_of(user)
        return department is not None and any(
            permissions.handles_department(user, step.department_id) for step in _running_steps(application)
        )
    return False


def request_supplement(application, *, by, materials, note="", justification=""):
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
                code="justification_required",
            )
        moment = now()
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


def supplement_application(application, *, files, by=None):
    """The applicant supplies what the notice asked for; the case returns to where it was and the clocks resume.

    `files` is a list of (Material or None, UploadedFile); at least one file is needed.
    """
    if not files:
        raise ValidationError({"files": _("Upload the materials the notice asks for.")}, code="missing_materials")
    with transaction.atomic():
        app = _lock(application, "supplement")
        if by is not None and not permissions.is_staff_of_centre(by, app.service_centre_id):
            raise PermissionDenied(_("Only the applicant or window staff may supply materials."))
        notice = app.supplement_notices.order_by("-number").first()
        moment = now()
        _store_files(app, files, app.supplement_count)
        paused_at = app.paused_at
        to_state = app.paused_from or S.SUBMITTED
        clocks = []
        for step in app.steps.filter(state=StepState.ACTIVE, paused_at__isnull=False).select_related("department"):
            step.application = app
            step.due_at = carried_due(step.due_at, step.paused_at, moment)
            ApplicationStep.objects.filter(pk=step.pk).update(due_at=step.due_at, paused_at=None)
            clocks.append(_step_clock(step, ClockAction.RESUME, step.due_at))
        if to_state == S.IN_REVIEW and app.due_at is not None:
            app.due_at = carried_due(app.due_at, paused_at, moment)
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


def decide_step(step, *, by, approve, opinion, legal_basis):
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
            raise ValidationError(_("Acceptance is decided at the window."), code="invalid_transition")
        if not permissions.handles_department(by, step.department_id):
            raise PermissionDenied(_("This step belongs to %(department)s.") % {"department": step.department})
        if step.state != StepState.ACTIVE:
            raise Conflict(_("This step has already been decided by someone else."))
        moment = now()
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


def can_complete(user, application):
    return permissions.is_staff_of_centre(user, application.service_centre_id) or permissions.handles_department(
        user, application.item.department_id
    )


def complete_application(application, *, by, document):
    """办结: attach the result document (a PDF: the licence, or the refusal decision) and stop the case clock."""
    if document is None:
        raise ValidationError({"document": _("Attach the result document.")}, code="missing_document")
    try:
        check_upload(document, label=_("The result document"), kinds=[MaterialKind.PDF])
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from exc
    with transaction.atomic():
        app = _lock(application, "complete", application.version)
        if not can_complete(by, app):
            raise PermissionDenied(_("You may not complete this application."))
        moment = now()
        from_state = app.state
        app.result_document.save("result.pdf", document, save=False)
        app.state, app.completed_at, app.result_document_name = S.COMPLETED, moment, (document.name or "")[:200]
        _save(app, "state", "completed_at", "result_document", "result_document_name")
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


def rate_application(application, *, rating, comment=""):
    """The applicant rates the service once, after completion (1-5 and a comment)."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    with transaction.atomic():
        app = _lock(application, "rate")
        if app.rating is not None:
            raise ValidationError(_("This application has already been rated."), code="already_rated")
        app.rating, app.rating_comment = rating, (comment or "").strip()[:1000]
        _save(app, "rating", "rating_comment")
        _record(
            app,
            "application.rated",
            None,
            S.COMPLETED,
            S.COMPLETED,
            department=app.item.department,
            payload={"rating": rating, "comment": app.rating_comment},
        )
    application.refresh_from_db()
    return application


def withdraw_application(application, *, reason=""):
    """The applicant withdraws: open steps are cancelled and every running clock stops."""
    with transaction.atomic():
        app = _lock(application, "withdraw")
        from_state = app.state
        steps = _running_steps(app)
        ApplicationStep.objects.filter(pk__in=[s.pk for s in steps]).update(
            state=StepState.CANCELLED, decided_at=now(), paused_at=None
        )
        clocks = [_step_clock(step, ClockAction.STOP) for step in steps]
        if app.accepted_at is not None:
            clocks.append(_case_clock(app, ClockAction.STOP))
        app.state, app.paused_at, app.paused_from = S.WITHDRAWN, None, ""
        _save(app, "state", "paused_at", "paused_from")
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


def take_step(step, *, by):
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


def items_for_centre(centre):
    """The published items a service centre handles."""
    if centre.parent is not None and centre.parent.kind == DepartmentKind.CITY:
        return ApprovalItem.objects.filter(is_published=True, at_city_centre=True)
    return ApprovalItem.objects.filter(is_published=True, township_centres=centre)
