"""Handing work to django-q2 so that a broker outage never fails a request whose data is already committed.

A task queued after commit (``transaction.on_commit``) runs when the user's data is already saved. If Redis (or,
with the ORM broker, the database) is unreachable at that moment, ``async_task`` raises; left alone, the exception
would turn a saved submission into an error page and the user would submit it again. So every enqueue goes through
``enqueue``: an outage is logged and swallowed, and the work is picked up later by what makes it durable anyway:

- work kept as rows with a status (SMS notices, campaign deliveries, supervision alerts) is found again by its
  sweep schedule (sms.sweep_notices, sms.sweep_campaigns, supervision.notify);
- other work writes its own backstop schedule in the same transaction as the change that asks for it, removed by
  the task once done (supervision.services.request_reschedule).

The Redis broker pops a task off its list before a worker runs it (no acknowledgement), so a task can also be lost
after a successful enqueue (a worker killed mid-task, Redis restarted without persistence): the sweeps cover that
too, and every task is written to be safe to run twice.
"""

import logging

from django.db import transaction

from core.outage import OUTAGE_ERRORS, log_outage

logger = logging.getLogger(__name__)


def enqueue(func, *args, task_name=None):
    """Queue `func` now; on a broker outage, log it and return None (the caller's sweep or backstop runs it later)."""
    from django_q.tasks import async_task  # django_q's models: not importable while the apps load

    try:
        return async_task(func, *args, task_name=task_name)
    except OUTAGE_ERRORS as exc:
        log_outage(exc, f"enqueue {func}")
        return None


def enqueue_on_commit(func, *args, task_name=None):
    """``enqueue`` once the current transaction commits (at once outside one); never raises into the request."""
    # robust: whatever else goes wrong after commit is logged rather than reported as a failure of saved data.
    transaction.on_commit(lambda: enqueue(func, *args, task_name=task_name), robust=True)
