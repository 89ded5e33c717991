"""Submission: where an item can be handled, and an application entering the system, online or at the window,
with its materials checked and stored and the acceptance step's clock started."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from approvals import permissions
from approvals.error_codes import ApprovalErrorCode
from approvals.models import (
    Application,
    ApplicationStep,
    ApprovalItem,
    Channel,
    Material,
    State,
    StepKind,
    SubmittedMaterial,
)
from approvals.services import timing
from approvals.services.codes import hash_code, new_code, new_tracking_number
from approvals.services.recording import _record, _step_clock
from approvals.uploads import check_upload
from core import idempotency
from core.error_codes import CommonErrorCode
from core.events import ClockAction
from directory.models import Department, DepartmentKind

S = State


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


def service_centres_for(item: ApprovalItem) -> list[Department]:
    """Where the item can be handled: the city centre (if so) and the township centres it is delegated to."""
    centres = list(item.township_centres.all())
    if item.at_city_centre:
        centres = (
            list(Department.objects.filter(kind=DepartmentKind.SERVICE_CENTRE, parent__kind=DepartmentKind.CITY))
            + centres
        )
    return centres


def items_for_centre(centre: Department) -> QuerySet[ApprovalItem]:
    """The published items a service centre handles."""
    if centre.parent is not None and centre.parent.kind == DepartmentKind.CITY:
        return ApprovalItem.objects.filter(is_published=True, at_city_centre=True)
    return ApprovalItem.objects.filter(is_published=True, township_centres=centre)


@dataclass
class Submission:
    application: Application
    code: str  # shown once to the applicant; only its hash is stored


SCOPE = "approvals.submit"


def _recall(data, vault):
    return Submission(application=Application.objects.get(pk=data["pk"]), code=vault.open(data.get("secret", "")))


def resent_application(idempotency_key: str, by: AbstractBaseUser | None = None) -> Submission | None:
    """The first Submission of an earlier online send with this key, or None; checked before the address limit
    (a resend creates nothing, so it is not counted)."""
    return idempotency.earlier(SCOPE, idempotency_key, owner=idempotency.owner_of(by), recall=_recall)


def submit_application(
    item: ApprovalItem,
    *,
    service_centre: Department,
    applicant_kind: str,
    applicant_name: str,
    applicant_phone: str,
    files: Sequence[tuple[Material | None, UploadedFile]],
    organisation_code: str = "",
    description: str = "",
    by: AbstractBaseUser | None = None,
    idempotency_key: str = "",
) -> Submission:
    """Submit an application online (by=None) or enter a walk-in at the window (by=the window staff member).

    `files` is a list of (Material, UploadedFile). Every required material must be there and every file must
    pass the type and size checks; otherwise nothing is stored and the ValidationError names each problem.
    A resend with the same ``idempotency_key`` returns the first Submission, its query code for a short while
    (core/idempotency.py).
    """
    if idempotency_key:
        arguments = {
            "service_centre": service_centre,
            "applicant_kind": applicant_kind,
            "applicant_name": applicant_name,
            "applicant_phone": applicant_phone,
            "files": files,
            "organisation_code": organisation_code,
            "description": description,
            "by": by,
        }
        return idempotency.once(
            SCOPE,
            idempotency_key,
            lambda: submit_application(item, **arguments),
            owner=idempotency.owner_of(by),
            remember=lambda sub, vault: {"pk": sub.application.pk, "secret": vault.seal(sub.code)},
            recall=_recall,
        )
    if not item.is_published:
        raise ValidationError(_("This item is not open for applications."), code=ApprovalErrorCode.UNPUBLISHED)
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
            code=ApprovalErrorCode.MISSING_MATERIALS,
        )
    moment = timing.now()
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
            raise ValidationError(_("Please try again."), code=CommonErrorCode.RETRY)
        _store_files(application, files, 0)
        acceptance = ApplicationStep.objects.create(
            application=application,
            kind=StepKind.ACCEPTANCE,
            order=0,
            name=_("Acceptance"),
            department=service_centre,
            assignee=by,
            started_at=moment,
            due_at=timing.due_after(moment, settings.APPROVALS_ACCEPTANCE_DAYS),
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
