"""Special supervision cases (专项监察) opened on findings, and findings dismissed as needing no action."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision import audit
from supervision.models import Finding, SupervisionCase


class CaseError(Exception):
    pass


def open_case(
    findings: Iterable[Finding], *, title: str, by: AbstractBaseUser | None, notes: str = ""
) -> SupervisionCase:
    """Open a special supervision case (专项监察) on findings; each finding joins at most one case."""
    title = (title or "").strip()
    if not title:
        raise CaseError(_("Give the case a title."))
    findings = list(findings)
    if not findings:
        raise CaseError(_("Choose at least one finding."))
    with transaction.atomic():
        locked = list(Finding.objects.select_for_update().filter(pk__in=[f.pk for f in findings]))
        if any(f.case_id for f in locked):
            raise CaseError(_("A chosen finding already belongs to a case."))
        case = SupervisionCase.objects.create(title=title, notes=notes, opened_by=by)
        Finding.objects.filter(pk__in=[f.pk for f in locked]).update(case=case, status=Finding.Status.IN_CASE)
        audit.append(
            "case.opened",
            f"supervision.case:{case.pk}",
            {"title": title, "findings": sorted(f.pk for f in locked), "by": getattr(by, "pk", None)},
        )
    return case


def close_case(
    case: SupervisionCase,
    *,
    outcome: str,
    accountability: str,
    by: AbstractBaseUser | None,
    accountable_person: str = "",
) -> SupervisionCase:
    """Close a case with its outcome and the accountability decided; refused (CaseError) if it is already closed."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise CaseError(_("Record the outcome before closing the case."))
    if accountability not in SupervisionCase.Accountability.values:
        raise CaseError(_("Choose the accountability decided."))
    with transaction.atomic():
        case = SupervisionCase.objects.select_for_update().get(pk=case.pk)
        if case.status == SupervisionCase.Status.CLOSED:
            raise CaseError(_("This case is already closed."))
        case.status = SupervisionCase.Status.CLOSED
        case.outcome = outcome
        case.accountability = accountability
        case.accountable_person = accountable_person
        case.closed_by = by
        case.closed_at = timezone.now()
        case.save()
        audit.append(
            "case.closed",
            f"supervision.case:{case.pk}",
            {
                "outcome": outcome,
                "accountability": accountability,
                "person": accountable_person,
                "by": getattr(by, "pk", None),
            },
        )
    return case


def save_case_notes(case: SupervisionCase, notes: str, by: AbstractBaseUser | None) -> None:
    with transaction.atomic():
        SupervisionCase.objects.filter(pk=case.pk).update(notes=notes)
        audit.append("case.notes", f"supervision.case:{case.pk}", {"notes": notes, "by": getattr(by, "pk", None)})


def dismiss_finding(finding: Finding, by: AbstractBaseUser | None, reason: str = "") -> bool:
    """Close an open finding as needing no action; the reason goes into the audit trail. False if it was not open."""
    with transaction.atomic():
        changed = Finding.objects.filter(pk=finding.pk, status=Finding.Status.OPEN).update(
            status=Finding.Status.DISMISSED
        )
        if changed:
            audit.append(
                "finding.dismissed",
                f"supervision.finding:{finding.pk}",
                {"by": getattr(by, "pk", None), "reason": reason},
            )
    return bool(changed)
