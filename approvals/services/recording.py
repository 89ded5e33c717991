"""Recording a transition: the event row and its publication to supervision (``core.events.record``), the
applicant's SMS, and the clock instructions the events carry."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from approvals import permissions
from approvals.models import ApplicationEvent
from approvals.services import timing
from core import events
from core.events import Clock
from core.workdays import is_provisional
from sms import system_templates
from sms.models.templates import VARIABLE_RE
from sms.notices import queue_notice
from sms.system_templates import clip

# What the applicant is told by SMS when their case enters a state (English msgids; sent in Chinese).
SMS_TEXTS = {
    "application.submitted": gettext_noop("Your application for %(item)s was received, tracking number %(number)s."),
    "application.accepted": gettext_noop(
        "Your application %(number)s (%(item)s) was accepted; promised completion by %(due)s."
    ),
    "application.not_accepted": gettext_noop("Your application %(number)s (%(item)s) was not accepted: %(reason)s"),
    "application.supplement_requested": gettext_noop(
        "Your application %(number)s needs further materials: %(materials)s. Please supply them online or at the "
        "window; the time limit is paused until then."
    ),
    "application.supplemented": gettext_noop(
        "The materials for application %(number)s were received; the review continues."
    ),
    "application.approved": gettext_noop(
        "Your application %(number)s (%(item)s) was approved; the result will be issued soon."
    ),
    "application.refused": gettext_noop("Your application %(number)s (%(item)s) was refused: %(reason)s"),
    "application.completed": gettext_noop(
        "Your application %(number)s (%(item)s) is completed. Please rate our service."
    ),
    "application.withdrawn": gettext_noop("Your application %(number)s (%(item)s) was withdrawn."),
    "rating.answered": gettext_noop(
        "Your rating of application %(number)s (%(item)s) was checked and answered; see what was done on the "
        "application's page."
    ),
    "application.deadline_recomputed": gettext_noop(
        "The promised completion of your application %(number)s (%(item)s) is now %(due)s, following the official "
        "holiday schedule."
    ),
}


def _item_facts(application):
    item = application.item
    return {"item": f"approvals.item:{item.pk}", "item_name": item.name, "reference": application.tracking_number}


def _record(application, kind, by, from_state, to_state, *, step=None, department=None, payload=None, clocks=()):
    """Write the event row, publish it to supervision and text the applicant, all in the caller's transaction."""
    actor_department = permissions.department_of(by) if by is not None else None
    facts = {**_item_facts(application), **(payload or {})}
    if actor_department is not None:
        facts["actor_department_id"] = actor_department.pk
    if department is None:
        department = step.department if step is not None else application.service_centre
    row = events.record(
        ApplicationEvent,
        source="approvals",
        subject=application.subject,
        kind=kind,
        by=by,
        department_id=department.pk if department else None,
        from_state=from_state,
        to_state=to_state,
        payload=facts,
        clocks=clocks,
        at=timing.now(),
        application=application,
        step=step,
        actor_department=actor_department,
        department=department,
    )
    if kind in SMS_TEXTS:
        _notify(application, row)
    return row


def _notify(application, event):
    # Sent as the SMS template of the event's kind (sms.system_templates "approvals.<kind>"): Chinese text is the
    # template's; SMS_TEXTS stays the English wording of the same messages.
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "item": clip(application.item.name, 20),
            "number": application.tracking_number,
            "due": _due_text(timing.promised_deadline(application)),
            "reason": clip(
                application.decision_reason or event.payload.get("reason", "") or _("see the application's page"), 35
            ),
            "materials": clip("、".join(event.payload.get("materials", [])), 35),
        }
    template = f"approvals.{event.kind}"
    wanted = VARIABLE_RE.findall(system_templates.BY_KEY[template].text)
    queue_notice(
        f"approvals.application:{application.pk}:event:{event.pk}",
        application.applicant_phone,
        template=template,
        params={name: values[name] for name in wanted},
    )


def _due_text(due_at):
    """The due time as the SMS says it, marked 暂定 when no official holiday schedule was known for its year."""
    if due_at is None:
        return ""
    text = timing.local(due_at).strftime("%Y-%m-%d %H:%M")
    if is_provisional(due_at):
        text += pgettext("deadline", " (provisional)")
    return text


def _label(name, application):
    return f"{name} · {application.item.name} · {application.tracking_number}"


def _policy(application):
    return f"approvals.item:{application.item_id}"


def _case_clock(application, action, due_at=None):
    return Clock(
        key=application.subject,
        action=action,
        due_at=due_at,
        label=_label(_("Whole case"), application),
        department_id=application.item.department_id,
        policy=_policy(application),
    )


def _step_clock(step, action, due_at=None):
    return Clock(
        key=step.clock_key,
        action=action,
        due_at=due_at,
        label=_label(step.name, step.application),
        department_id=step.department_id,
        handler_id=step.assignee_id,
        policy=_policy(step.application),
    )


def rating_clock_key(rating_pk: int) -> str:
    return f"approvals.rating:{rating_pk}"


def _rating_clock(rating, action, due_at=None):
    """The clock of a bad rating's answer (差评整改回访): due ``answer_due_at``, answered for by the rated
    department, with the item's thresholds (warning, yellow and red cards as for a step)."""
    with translation.override(settings.LANGUAGE_CODE):
        label = _label(_("Answer a bad rating"), rating.application)
    return Clock(
        key=rating_clock_key(rating.pk),
        action=action,
        due_at=due_at,
        label=label,
        department_id=rating.department_id,
        policy=_policy(rating.application),
    )
