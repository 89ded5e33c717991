"""Tell people about alerts: an SMS to the clock's handler and to the department's supervisors."""

from django.db import connection, transaction
from django.utils import timezone

from directory.models import Cadre, Department
from directory.roles import ROLES_BY_CODE
from sms import system_templates
from sms.notices import queue_notice
from sms.system_templates import clip, limit
from supervision.models import RUNG_ORDER, Alert


def supervisors_for(department: Department | None) -> list[Cadre]:
    """Users in the supervisor role whose cadre sits in the department or one of its ancestors; when there are
    none, every supervisor with a cadre (the discipline commission watches every department)."""
    cadres = Cadre.objects.filter(
        user__is_active=True, user__groups__name=ROLES_BY_CODE["supervisor"].name
    ).select_related("user")
    if department is not None:
        codes = [code for code in department.path.split("/") if code]
        line = list(cadres.filter(department__code__in=codes))
        if line:
            return line
    return list(cadres)


def notify_alerts(limit: int = 500) -> int:
    """SMS the handler and the department's supervisors for each alert not yet notified. Idempotent per key.

    A clock with several pending alerts (a first sweep that finds it past the warning and the yellow card at once)
    gets one SMS per recipient, naming its highest rung; the lower rungs are marked notified with no recipient, so
    the admin still lists every rung.
    """
    sent = 0
    with transaction.atomic():
        pending = Alert.objects.filter(notified_at__isnull=True).select_related("clock").order_by("fired_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            # The after-commit task and the 5-minute schedule may overlap: each takes different alerts.
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        alerts = list(pending[:limit])
        departments = Department.objects.in_bulk({a.department_id for a in alerts if a.department_id})
        handler_cadres = {
            c.user_id: c for c in Cadre.objects.filter(user_id__in={a.handler_id for a in alerts if a.handler_id})
        }
        supervisors_cache = {}
        highest = {}
        for alert in alerts:
            top = highest.get(alert.clock_id)
            if top is None or RUNG_ORDER.index(alert.rung) > RUNG_ORDER.index(top.rung):
                highest[alert.clock_id] = alert
        for alert in alerts:
            if highest[alert.clock_id] is not alert:
                alert.notified_at = timezone.now()
                alert.recipients = []
                continue
            department = departments.get(alert.department_id)
            if alert.department_id not in supervisors_cache:
                supervisors_cache[alert.department_id] = supervisors_for(department)
            recipients = []
            handler = handler_cadres.get(alert.handler_id)
            if handler is not None:
                recipients.append(handler)
            recipients += [c for c in supervisors_cache[alert.department_id] if c not in recipients]
            params = alert_params(alert, department)
            for cadre in recipients:
                queue_notice(
                    f"supervision.clock:{alert.clock_id}:{alert.rung}:{cadre.pk}",
                    str(cadre.phone),
                    cadre=cadre,
                    template=ALERT_TEMPLATE,
                    params=params,
                )
            alert.notified_at = timezone.now()
            alert.recipients = [c.name for c in recipients]
            sent += len(recipients)
        Alert.objects.bulk_update(alerts, ["notified_at", "recipients"])
    return sent


ALERT_TEMPLATE = "supervision.alert"


def alert_params(alert: Alert, department: Department | None = None) -> dict:
    """The values of an alert's SMS template (sms.system_templates "supervision.alert"), long ones marked "…"."""
    clock = alert.clock
    label = clock.label or clock.key
    if department:
        label = f"{label}（{department.short_name or department.name}）"
    return {
        "rung": str(alert.get_rung_display()),
        "label": clip(label, limit(ALERT_TEMPLATE, "label")),
        "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") if clock.due_at else "—",
        "reason": clip(alert.reason or "—", limit(ALERT_TEMPLATE, "reason")),
    }


def alert_text(alert: Alert, department: Department | None = None) -> str:
    """The SMS text of an alert, as its template renders it."""
    return system_templates.prepare(ALERT_TEMPLATE, alert_params(alert, department))[1]
