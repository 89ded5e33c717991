"""django-q2 tasks of the SMS app: thin wrappers around sms.dispatch and sms.scheduling."""

from django.core.cache import cache

from core.schedules import Every
from sms import dispatch, notices, provider_reports, scheduling


def dispatch_run(run_id):
    """Send a run for up to SMS_DISPATCH_BUDGET seconds (inside Q_CLUSTER's timeout), then hand over to a new task."""
    try:
        result = dispatch.dispatch_run(run_id)
    except Exception:
        # The task failed (its database connection died mid-run): free the run for the next minute's sweep, which
        # otherwise sees the key this task was enqueued under and leaves the campaign stalled until it expires.
        cache.delete(scheduling.dispatch_key(run_id))
        raise
    if result.state == "more":
        cache.set(scheduling.dispatch_key(run_id), 1, timeout=300)
        # Through the sweep's own enqueue: on a broker outage the run waits for a later sweep, the task does not fail.
        scheduling.enqueue_dispatch(run_id)
        return result.state
    cache.delete(scheduling.dispatch_key(run_id))
    if result.state == "wait" and result.resume_at:
        scheduling.schedule_resume(run_id, result.resume_at)
    return result.state


def sweep_campaigns():
    """Start due campaign runs and resume unfinished ones; cheap when nothing is due."""
    started, resumed = scheduling.sweep()
    return {"started": started, "resumed": resumed}


def send_notice(notice_id):
    """Send one queued notice (sms.notices.queue_notice enqueues this after its transaction commits)."""
    return notices.send_notice(notice_id)


def send_notices(notice_ids):
    """Send a batch of queued notices (sms.notices.queue_notices); one a row already sent or taken is skipped."""
    return sum(1 for pk in notice_ids if notices.send_notice(pk) is not None)


def sweep_notices():
    """Retry notices that failed for a while or were cut off by a crashed worker."""
    return notices.sweep()


def pull_reports():
    """Ask a batch-reporting provider (Aliyun) about delivery statuses, when it is not configured to push them."""
    from django.conf import settings

    from sms.gateways import get_gateway

    gateway = get_gateway()
    if not hasattr(gateway, "status_of") or provider_reports.push_configured() or settings.SMS_GATEWAY != "aliyun":
        return {}
    return provider_reports.pull_reports(gateway)


def pull_replies():
    """Read replies from Aliyun's SmsUp queue (MNS) when push is not configured and a queue is (sms.mns)."""
    from django.conf import settings

    from sms.gateways import get_gateway

    if settings.SMS_GATEWAY != "aliyun" or not provider_reports.pull_replies_configured():
        return {}
    return provider_reports.pull_replies(get_gateway())


def minimise_logs():
    """Citizens' numbers out of settled notices, and logs and counters past their retention (sms/retention.py)."""
    from sms import retention

    return {"erased": retention.erase_citizen_numbers(), **retention.purge_expired()}


SCHEDULES = [
    Every("sms.sweep_campaigns", "sms.tasks.sweep_campaigns", minutes=1),
    Every("sms.sweep_notices", "sms.tasks.sweep_notices", minutes=1),
    Every("sms.pull_reports", "sms.tasks.pull_reports", minutes=5),
    Every("sms.pull_replies", "sms.tasks.pull_replies", minutes=1),
    Every("sms.minimise_logs", "sms.tasks.minimise_logs", minutes=60),
]
