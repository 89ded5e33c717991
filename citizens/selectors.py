"""我的办件: one citizen's cases across the platforms, found by the phone their session proved (core.citizens).

Applications by the phone given on them; named complaints by the keyed digest of the phone given at filing (each
read recorded by complaints.services.own_complaints). Anonymous complaints are never here. A constant number of
queries whatever the number of cases: one for applications, three for complaints.
"""

from dataclasses import dataclass

from approvals import selectors as approvals_selectors
from complaints import services as complaints_services


@dataclass(frozen=True)
class MyCases:
    applications: list
    complaints: list


def my_cases(phone: str, channel: str) -> MyCases:
    return MyCases(
        applications=approvals_selectors.applications_for_phone(phone),
        complaints=complaints_services.own_complaints(phone, channel=channel),
    )
