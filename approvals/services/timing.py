"""The services' clock and due-time arithmetic in working days (through ``core.workdays``).

Every service reads the time through ``timing.now()`` (a module attribute, looked up at each call), so the demo and
the tests can act at a chosen moment by replacing that one function.
"""

import datetime

from django.utils import timezone

from approvals.models import Application
from core.workdays import add_working_days, working_days_between


def now() -> datetime.datetime:
    return timezone.now().replace(microsecond=0)


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def due_after(start: datetime.datetime, working_days: int) -> datetime.datetime:
    """The moment `working_days` working days after `start`, at the same time of day."""
    start = local(start)
    day = add_working_days(start.date(), working_days)
    return datetime.datetime.combine(day, start.timetz().replace(tzinfo=None), tzinfo=start.tzinfo)


def carried_due(
    due_at: datetime.datetime, paused_at: datetime.datetime, resumed_at: datetime.datetime
) -> datetime.datetime:
    """A clock's new due time after a pause: the working time it had left, counted again from `resumed_at`."""
    due, paused, resumed = local(due_at), local(paused_at), local(resumed_at)
    if due <= paused:  # already overdue when paused: stays overdue by as much
        return resumed - (paused - due)
    days = working_days_between(paused.date(), due.date())
    base = add_working_days(resumed.date(), days) if days else resumed.date()
    time_of_day = datetime.timedelta(hours=due.hour, minutes=due.minute, seconds=due.second) - datetime.timedelta(
        hours=paused.hour, minutes=paused.minute, seconds=paused.second
    )
    return datetime.datetime.combine(base, resumed.timetz().replace(tzinfo=None), tzinfo=resumed.tzinfo) + time_of_day


def promised_deadline(application: Application, step_due: datetime.datetime | None = None) -> datetime.datetime | None:
    """The one deadline an applicant is told, alike by SMS, on the tracking page and in the app: the promised
    completion (``due_at``, set at acceptance, carried over pauses and holiday changes). A step's own due time is
    shown no later than it, so a late stage never shows the applicant a second, later date."""
    promise = application.due_at
    if step_due is None or promise is None:
        return promise if step_due is None else step_due
    return min(step_due, promise)
