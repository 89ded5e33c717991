"""The complaint state machine, written once as data: action -> (states it may start from, state it leads to, event)."""

from django.utils.translation import gettext_lazy

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
    "complaint.received": gettext_lazy("Complaint received"),
    "complaint.assigned": gettext_lazy("Investigator assigned"),
    "complaint.acknowledged": gettext_lazy("Receipt acknowledged"),
    "complaint.accepted": gettext_lazy("Accepted for handling"),
    "complaint.not_accepted": gettext_lazy("Not accepted"),
    "complaint.transferred": gettext_lazy("Transferred"),
    "complaint.investigation_started": gettext_lazy("Investigation started"),
    "complaint.concluded": gettext_lazy("Investigation concluded"),
    "complaint.closed": gettext_lazy("Closed"),
    "complaint.update_published": gettext_lazy("Public case update published"),
    "complaint.clarification_published": gettext_lazy("Clarification published"),
    "stage.deadline_recomputed": gettext_lazy("Deadline recomputed with the official holiday schedule"),
}
