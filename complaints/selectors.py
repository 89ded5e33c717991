"""Read-only queries of public complaint cases for the API and the app (nothing here reads a reporter)."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from complaints import services
from complaints.models import CaseUpdate


def public_cases() -> QuerySet:
    """Public cases, latest change first, each with its department and clarification (one-to-one, same query)."""
    return services.public_cases().select_related("clarification").order_by("-updated_at", "-pk")


def public_case(reference: str):
    return public_cases().filter(reference=reference).first()


def updates_by_case(case_ids: Iterable[int]) -> dict[int, list[CaseUpdate]]:
    grouped = defaultdict(list)
    for update in CaseUpdate.objects.filter(complaint_id__in=list(case_ids)).order_by("published_at", "pk"):
        grouped[update.complaint_id].append(update)
    return grouped
