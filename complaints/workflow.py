"""The complaint state machine, written once as data: action -> (states it may start from, state it leads to, event)."""

from django.utils.translation import gettext_noop

from complaints.models import Status

S = Status
OPEN_STATES = (S.RECEIVED, S.ACKNOWLEDGED, S.ACCEPTED, S.INVESTIGATING)
# States in which the reporter's case has reached its end (the receipt's validity counts from here).
FINAL_STATES = (S.NOT_ACCEPTED, S.TRANSFERRED, S.CONCLUDED, S.CLOSED)

TRANSITIONS = {
    "acknowledge": ((S.RECEIVED,), S.ACKNOWLEDGED, "complaint.acknowledged"),
    "accept": ((S.ACKNOWLEDGED,), S.ACCEPTED, "complaint.accepted"),
    "not_accept": ((S.RECEIVED, S.ACKNOWLEDGED), S.NOT_ACCEPTED, "complaint.not_accepted"),
    "transfer": ((S.RECEIVED, S.ACKNOWLEDGED), S.TRANSFERRED, "complaint.transferred"),
    "start_investigation": ((S.ACCEPTED,), S.INVESTIGATING, "complaint.investigation_started"),
    "conclude": ((S.INVESTIGATING,), S.CONCLUDED, "complaint.concluded"),
    "close": ((*OPEN_STATES, S.NOT_ACCEPTED, S.TRANSFERRED, S.CONCLUDED), S.CLOSED, "complaint.closed"),
}


def allowed_actions(status):
    return [action for action, (sources, _to, _kind) in TRANSITIONS.items() if status in sources]


# What each recorded event is called where people read a case's history (supervision's timeline).
EVENT_LABELS = {
    "complaint.received": gettext_noop("Complaint received"),
    "complaint.assigned": gettext_noop("Investigator assigned"),
    "complaint.acknowledged": gettext_noop("Receipt acknowledged"),
    "complaint.accepted": gettext_noop("Accepted for handling"),
    "complaint.not_accepted": gettext_noop("Not accepted"),
    "complaint.transferred": gettext_noop("Transferred"),
    "complaint.investigation_started": gettext_noop("Investigation started"),
    "complaint.concluded": gettext_noop("Investigation concluded"),
    "complaint.closed": gettext_noop("Closed"),
    "complaint.update_published": gettext_noop("Public case update published"),
    "complaint.clarification_published": gettext_noop("Clarification published"),
    "stage.deadline_recomputed": gettext_noop("Deadline recomputed with the official holiday schedule"),
}
