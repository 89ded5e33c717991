"""django-q2 tasks of electronic supervision, each a thin call to a service."""

import logging

from core.schedules import Cron, Every

logger = logging.getLogger(__name__)


def sweep_clocks():
    from supervision.services import sweep

    return sweep()


def notify_alerts():
    from supervision.services import notify_alerts

    return notify_alerts()


def write_audit_checkpoint():
    """The daily signed checkpoint. Without a key it logs a clear error; the chain itself keeps appending."""
    from supervision import audit

    try:
        return audit.write_checkpoint().file_name
    except audit.SigningKeyMissing as error:
        logger.error("supervision: audit checkpoint not written: %s", error)
        raise


def run_periodic_rules():
    from supervision.rules import PERIODIC_RULES

    return sum(len(rule.run()) for rule in PERIODIC_RULES)


def reschedule_policy(policy, generation=None):
    """Idempotent (it recomputes from the current thresholds); run by the after-commit task and by its backstop."""
    from supervision import services

    count = services.reschedule_policy(policy)
    if generation:
        services.reschedule_done(policy, generation)
    return count


SCHEDULES = [
    Every("supervision.sweep", "supervision.tasks.sweep_clocks", minutes=1),
    # Catches alerts whose after-commit notification task was lost.
    Every("supervision.notify", "supervision.tasks.notify_alerts", minutes=5),
    Cron("supervision.checkpoint", "supervision.tasks.write_audit_checkpoint", "5 0 * * *"),
    Cron("supervision.periodic_rules", "supervision.tasks.run_periodic_rules", "30 1 * * *"),
]
