"""Apply an import plan in one transaction, and the admin's flow around it: ``preview_upload`` keeps the file as a
CadreImport, ``confirm_import`` recomputes the plan against the cadres as they are now and applies it once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import PurePath

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.error_codes import CommonErrorCode
from directory.error_codes import DirectoryErrorCode
from directory.importing.errors import ImportFileError, ImportRefused
from directory.importing.parsing import parse_file
from directory.importing.planning import ImportPlan, chunks, plan_import
from directory.models import Cadre, CadreImport

# Rows per INSERT/UPDATE batch; SQLite further splits them to stay under its 999 parameters per statement.
BATCH_SIZE = 1_000


def apply_plan(
    plan: ImportPlan, *, only_valid: bool = False, progress: Callable[[int], object] | None = None
) -> dict[str, int]:
    """Write the plan in one transaction and return the counts.

    Refuses (ImportRefused, nothing written) while rows are rejected unless ``only_valid``. ``progress`` is
    called with the number of rows written after each batch. Never touches a cadre's SMS subscription.
    """
    if plan.rejected and not only_valid:
        raise ImportRefused(
            ngettext(
                "%(count)s row is rejected, so nothing was imported. Fix the file and import it again, "
                "or choose to import only the valid rows.",
                "%(count)s rows are rejected, so nothing was imported. Fix the file and import it again, "
                "or choose to import only the valid rows.",
                len(plan.rejected),
            )
            % {"count": len(plan.rejected)},
            code=DirectoryErrorCode.REJECTED_ROWS,
        )
    progress = progress or (lambda n: None)
    update_fields = sorted({name for row in plan.update for name in row.changed_fields})
    now = timezone.now()
    try:
        with transaction.atomic():
            for batch in chunks(plan.create, BATCH_SIZE):
                Cadre.objects.bulk_create([row.cadre for row in batch], batch_size=BATCH_SIZE)
                progress(len(batch))
            for batch in chunks(plan.update, BATCH_SIZE):
                for row in batch:
                    row.cadre.updated_at = now
                _update_cadres([row.cadre for row in batch], [*update_fields, "updated_at"])
                progress(len(batch))
    except IntegrityError as exc:
        raise _conflict() from exc
    return plan.counts()


def _update_cadres(cadres: list[Cadre], field_names: list[str]) -> None:
    """UPDATE the given fields of each cadre, in one executemany.

    Not bulk_update: its CASE WHEN expressions cost 0.5 ms of Python per row, which made a file changing
    two thirds of 10,000 cadres take 3.7 s to write instead of 0.2 s. Like bulk_update, it sends no signals.
    """
    fields = [Cadre._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    sql = "UPDATE {table} SET {assignments} WHERE {pk} = %s".format(
        table=quote(Cadre._meta.db_table),
        assignments=", ".join(f"{quote(field.column)} = %s" for field in fields),
        pk=quote(Cadre._meta.pk.column),
    )
    params = [
        [*(field.get_db_prep_save(getattr(cadre, field.attname), connection) for field in fields), cadre.pk]
        for cadre in cadres
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _conflict() -> ImportRefused:
    return ImportRefused(
        _(
            "The cadre list changed while this file was being imported (a phone number was added or a "
            "department removed meanwhile), so nothing was imported. Preview the file again."
        ),
        code=CommonErrorCode.CONFLICT,
    )


# The admin flow: preview an upload, then confirm it once.

SUMMARY_REJECTED_LIMIT = 200


def preview_upload(uploaded_file: UploadedFile, user: AbstractBaseUser | AnonymousUser | None) -> CadreImport:
    """Check and plan an uploaded file, then keep it as a CadreImport awaiting confirmation.

    A file-level problem raises ImportFileError and stores nothing.
    """
    filename = PurePath(uploaded_file.name or "").name
    plan = plan_import(parse_file(uploaded_file, filename))
    uploaded_file.seek(0)
    cadre_import = CadreImport(
        original_name=filename[:255],
        uploaded_by=user if getattr(user, "pk", None) else None,
        status=CadreImport.Status.PREVIEWED,
        summary=_summary(plan, stage="previewed"),
    )
    # Our own file name: the original may hold characters the storage would rewrite.
    cadre_import.file.save(f"{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}", uploaded_file, save=False)
    cadre_import.save()
    return cadre_import


def load_plan(cadre_import: CadreImport) -> ImportPlan:
    """Recompute the plan of a stored upload against the cadres as they are now."""
    try:
        cadre_import.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise ImportFileError(
            _("The uploaded file is no longer on the server; upload it again."), code=DirectoryErrorCode.FILE_MISSING
        ) from exc
    try:
        return plan_import(parse_file(cadre_import.file, cadre_import.original_name))
    finally:
        cadre_import.file.close()


def confirm_import(
    cadre_import: CadreImport,
    user: AbstractBaseUser | AnonymousUser | None,
    *,
    only_valid: bool = False,
    progress: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Apply a previewed upload once: the plan is recomputed now, and a second confirmation is refused."""
    try:
        with transaction.atomic():
            locked = CadreImport.objects.select_for_update().get(pk=cadre_import.pk)
            if locked.status != CadreImport.Status.PREVIEWED:
                raise ImportRefused(
                    _("This file has already been imported (or discarded); upload it again to import it again."),
                    code=DirectoryErrorCode.NOT_PENDING,
                )
            plan = load_plan(locked)
            counts = apply_plan(plan, only_valid=only_valid, progress=progress)
            locked.status = CadreImport.Status.APPLIED
            locked.applied_at = timezone.now()
            locked.summary = _summary(plan, stage="applied", only_valid=only_valid, user=user)
            locked.save(update_fields=["status", "applied_at", "summary"])
    except IntegrityError as exc:
        # Deferred constraints (a department deleted meanwhile) are only checked when the transaction commits.
        raise _conflict() from exc
    cadre_import.status, cadre_import.applied_at, cadre_import.summary = (
        locked.status,
        locked.applied_at,
        locked.summary,
    )
    return counts


def _summary(plan: ImportPlan, *, stage: str, only_valid: bool = False, user=None) -> dict:
    summary = {
        "stage": stage,
        "counts": plan.counts(),
        "warnings": [str(w) for w in plan.warnings],
        "rejected": [{"row": r.number, "reason": r.reason} for r in plan.rejected[:SUMMARY_REJECTED_LIMIT]],
    }
    if stage == "applied":
        summary["only_valid"] = only_valid
        summary["applied_by"] = user.get_username() if getattr(user, "pk", None) else None
    return summary
