"""Recurring django-q2 schedules, declared in code by each app and written to the database by one command.

An app lists its schedules in ``<app>/tasks.py``::

    SCHEDULES = [Every("cms.publish_scheduled", "cms.tasks.publish_scheduled_pages", minutes=1)]

``manage.py setup_schedules`` (run by ``make run`` and on every deployment) creates or updates them by name, so
running it again changes nothing and a changed interval reaches existing databases.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django_q.models import Schedule

OUR_APPS = ("config", "directory", "cms", "forum", "sms", "quizzes", "approvals", "supervision", "complaints")


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
    declared = []
    for config in apps.get_app_configs():
        if config.name in OUR_APPS and module_has_submodule(config.module, "tasks"):
            declared.extend(getattr(import_module(f"{config.name}.tasks"), "SCHEDULES", ()))
    return declared


@transaction.atomic
def sync_schedules():
    """Create or update every declared schedule by name. Returns (created, updated) names."""
    created, updated = [], []
    for spec in declared_schedules():
        schedule, is_new = Schedule.objects.update_or_create(name=spec.name, defaults=spec.defaults())
        (created if is_new else updated).append(schedule.name)
    return created, updated
