"""Whether an item's procedure fits its promise: the stages run one after another, so they need the sum of their
time limits, a parallel joint review (并联审批) counting once, by its longest branch. The admin refuses an item or a
step that would not fit (``ApprovalItem.clean``, ``ItemStep.clean``); ``manage.py check --database default`` and
``manage.py catalogue_fit`` list the items saved before that rule (approvals/checks.py)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _


def procedure_days(steps: Iterable[tuple[int, int]]) -> int:
    """Working days a procedure takes, from (order, working_days) pairs: stages in turn, the longest branch of each."""
    longest: dict[int, int] = {}
    for order, days in steps:
        longest[order] = max(longest.get(order, 0), days or 0)
    return sum(longest.values())


def fit_problem(promised_days: int | None, steps: Iterable[tuple[int, int]]) -> str:
    """The Chinese sentence saying why the steps cannot fit the promise, or "" when they fit."""
    steps = sorted(steps)
    needed = procedure_days(steps)
    if promised_days is None or needed <= promised_days:
        return ""
    return _(
        "The procedure steps take %(needed)d working days in all (%(days)s), more than the promised time limit of "
        "%(promised)d working days: shorten the steps or promise more days."
    ) % {"needed": needed, "promised": promised_days, "days": " + ".join(str(days) for _order, days in steps)}
