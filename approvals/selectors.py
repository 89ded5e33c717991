"""Read-only queries of the public approval catalogue, for the API and the app."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from approvals.models import ApprovalItem, ItemStep, Material


def published_items() -> QuerySet:
    return ApprovalItem.objects.filter(is_published=True).select_related("department")


def catalogue(search: str | None = None, department_id=None, theme: str | None = None) -> QuerySet:
    """Published items by department and code; `search` (its first 50 characters) matches name, code or summary."""
    items = published_items().order_by("department__path", "code")
    if search and search.strip():
        q = search.strip()[:50]
        items = items.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(summary__icontains=q))
    if department_id:
        items = items.filter(department_id=department_id)
    if theme:
        items = items.filter(theme=theme)
    return items


def published_item(code: str) -> ApprovalItem | None:
    return published_items().filter(code=code).first()


def materials_by_item(item_ids: Iterable[int]) -> dict[int, list[Material]]:
    grouped = defaultdict(list)
    for material in Material.objects.filter(item_id__in=list(item_ids)):
        grouped[material.item_id].append(material)
    return grouped


def steps_by_item(item_ids: Iterable[int]) -> dict[int, list[ItemStep]]:
    """Each item's steps in order, with their departments: two queries for any number of items."""
    grouped = defaultdict(list)
    for step in ItemStep.objects.filter(item_id__in=list(item_ids)).prefetch_related("departments"):
        grouped[step.item_id].append(step)
    return grouped
