"""A data check: items saved before the admin refused procedures longer than the promise (run with
``manage.py check --database default``; ``manage.py catalogue_fit`` prints the same list)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _

from approvals.catalogue import fit_problem
from approvals.models import ApprovalItem, ItemStep


@register(Tags.database)
def catalogue_fit_check(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    try:
        misfits = items_that_do_not_fit()
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    return [
        Warning(
            f"{item}: {problem}",
            hint=_("Edit the item under Approval catalogue → Approval items, or its procedure steps."),
            obj=item,
            id="approvals.W001",
        )
        for item, problem in misfits
    ]


def items_that_do_not_fit() -> list[tuple[object, str]]:
    """Every saved item whose steps cannot fit its promise, with the reason, in code order (two queries)."""
    steps: dict[int, list[tuple[int, int]]] = {}
    for item_id, order, days in ItemStep.objects.values_list("item_id", "order", "working_days"):
        steps.setdefault(item_id, []).append((order, days))
    found = []
    for item in ApprovalItem.objects.order_by("code").only("pk", "code", "name", "promised_days"):
        if problem := fit_problem(item.promised_days, steps.get(item.pk, [])):
            found.append((item, problem))
    return found
