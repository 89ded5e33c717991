"""Every operation on complaints: intake, receipts, the investigation workflow, the thread, public updates,
clarifications, subscriptions, reveals and statistics. Views, GraphQL and the admin call these and nothing else.

Each transition changes the complaint, stops and starts its stage clocks, writes a ComplaintEvent and publishes it
to supervision (core.events) inside one transaction, and queues an SMS to a named reporter. Payloads never
carry who the reporter is.

Callers use the package (``from complaints import services; services.accept(...)``); the modules hold:

    checks           who may act (can_handle, can_view, is_assigned), required texts, rate-limit windows
    stages           stage clocks and ``record``, the one path to the event row and its DomainEvent
    texts            the reporter's SMS at each stage and the opaque notice keys
    intake           submit_complaint, resent_submission and the flood limits (check_flood, count_attempt)
    transitions      the workflow actions along complaints.workflow.TRANSITIONS (acknowledge ... close)
    investigation    assign, add_note, reveal_reporter
    reporter_access  find_by_receipt and its rate limits (ReceiptError)
    owner            own_complaints, own_complaint: 我的, a named reporter logged in with their phone (reads recorded)
    receipt_promise  what the receipt promises: the response times of the first stages, in working days
    thread           reporter_message, investigator_message
    public_cases     publish_update, public_cases
    clarifications   publish_clarification
    subscriptions    request_subscription, confirm_subscription and the SMS to followers
    reports          statistics
"""

from complaints.services.checks import can_handle, can_view, is_assigned
from complaints.services.clarifications import publish_clarification
from complaints.services.intake import (
    CHALLENGE_PURPOSE,
    Submission,
    check_flood,
    count_attempt,
    resent_submission,
    submit_complaint,
)
from complaints.services.investigation import add_note, assign, reveal_reporter
from complaints.services.owner import OwnComplaint, open_deadline, own_complaint, own_complaints
from complaints.services.public_cases import public_cases, publish_update
from complaints.services.receipt_promise import ReceiptPromise, receipt_promise
from complaints.services.reporter_access import ReceiptError, find_by_receipt
from complaints.services.reports import statistics
from complaints.services.subscriptions import (
    CODE_MAX_ATTEMPTS,
    CODE_TTL,
    CODES_PER_NUMBER_PER_DAY,
    SUBSCRIBE_REQUESTS_PER_HOUR,
    confirm_subscription,
    request_subscription,
)
from complaints.services.texts import SMS_LANGUAGE, notice_key
from complaints.services.thread import investigator_message, reporter_message
from complaints.services.transitions import (
    ACTION_LABELS,
    accept,
    acknowledge,
    close,
    conclude,
    not_accept,
    start_investigation,
    transfer,
)

__all__ = [
    "CHALLENGE_PURPOSE",
    "ACTION_LABELS",
    "CODES_PER_NUMBER_PER_DAY",
    "CODE_MAX_ATTEMPTS",
    "CODE_TTL",
    "SMS_LANGUAGE",
    "SUBSCRIBE_REQUESTS_PER_HOUR",
    "OwnComplaint",
    "ReceiptError",
    "ReceiptPromise",
    "Submission",
    "accept",
    "acknowledge",
    "add_note",
    "assign",
    "can_handle",
    "can_view",
    "check_flood",
    "close",
    "conclude",
    "confirm_subscription",
    "count_attempt",
    "find_by_receipt",
    "investigator_message",
    "is_assigned",
    "not_accept",
    "open_deadline",
    "own_complaint",
    "own_complaints",
    "notice_key",
    "public_cases",
    "publish_clarification",
    "publish_update",
    "receipt_promise",
    "reporter_message",
    "resent_submission",
    "request_subscription",
    "reveal_reporter",
    "start_investigation",
    "statistics",
    "submit_complaint",
    "transfer",
]
