"""The complaint state machine, written once as data: action -> (states it may start from, state it leads to, event)."""

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
