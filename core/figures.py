"""Monthly figures one platform publishes for another's public reports, without either importing the other.

Apps of one layer never import each other (tests/test_architecture.py). A platform that counts something another
reports registers a provider here from its ``AppConfig.ready``; the reporter asks by name, and gets nothing (an
empty dict) when no provider is installed::

    register("complaints.by_department", monthly_by_department)  # complaints/apps.py
    collect("complaints.by_department", start, end)              # approvals/performance.py

A provider takes a half-open period [start, end) of aware datetimes and returns
``{(department_id or None, first day of the local month): {"figure": number, ...}}``.

``minimum_volume`` is supervision's minimum-volume rule (settings.SUPERVISION_MIN_VOLUME): below it a unit gets no
rate or rank, since a rate over two or three cases says nothing. Every report that publishes rates applies it.
"""

import datetime
from collections.abc import Callable

from django.conf import settings

Provider = Callable[[datetime.datetime, datetime.datetime], dict]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def collect(name: str, start: datetime.datetime, end: datetime.datetime) -> dict:
    provider = _providers.get(name)
    return provider(start, end) if provider is not None else {}


def minimum_volume() -> int:
    return int(getattr(settings, "SUPERVISION_MIN_VOLUME", 5))
