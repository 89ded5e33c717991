"""A data check: items saved before the admin refused procedures longer than the promise (run with
``manage.py check --database default``; ``manage.py catalogue_fit`` prints the same list)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _


@register(Tags.database)
def catalogue_fit_check(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from approvals.catalogue import items_that_do_not_fit

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
