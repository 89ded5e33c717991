"""Recurring django-q2 schedules, declared in code by each app and written to the database by one command.

An app lists its schedules in ``<app>/tasks.py``::

    SCHEDULES = [Every("cms.publish_scheduled", "cms.tasks.publish_scheduled_pages", minutes=1)]

``manage.py setup_schedules`` (run by ``make run`` and on every deployment) creates or updates them by name, so
running it again changes nothing and a changed interval reaches existing databases.
"""

from dataclasses import dataclass

from django.db import transaction
from django_q.models import Schedule

from core.discovery import our_submodules


@dataclass(frozen=True)
class Every:
    name: str
    func: str
    minutes: int

    def defaults(self):
        return {"func": self.func, "schedule_type": Schedule.MINUTES, "minutes": self.minutes, "repeats": -1}


@dataclass(frozen=True)
class Cron:
    name: str
    func: str
    cron: str

    def defaults(self):
        return {"func": self.func, "schedule_type": Schedule.CRON, "cron": self.cron, "repeats": -1}


def declared_schedules():
    return [spec for module in our_submodules("tasks") for spec in getattr(module, "SCHEDULES", ())]


@transaction.atomic
def sync_schedules():
    """Create or update every declared schedule by name. Returns (created, updated) names."""
    created, updated = [], []
    for spec in declared_schedules():
        schedule, is_new = Schedule.objects.update_or_create(name=spec.name, defaults=spec.defaults())
        (created if is_new else updated).append(schedule.name)
    return created, updated
