"""Applications (办件): every change of state goes through one function here, which checks the transition, records
an ``ApplicationEvent`` and publishes it to supervision (``core.events``) in the same transaction.

The state machine (TRANSITIONS in ``transitions`` is the one source of truth)::

    submitted ──accept──────────────▶ in_review ──(every stage approved)──▶ approved ──complete──▶ completed ──rate
        │  ╲──not_accept──▶ not_accepted      │  ╲──(a stage with a refusal)──▶ refused ──complete──▶ completed
        │   ╲──request_supplement──▶ supplementing ◀──request_supplement──╯
        │                              │ supplement: back to the state it came from, clocks resumed
        └──withdraw (also from supplementing and in_review)──▶ withdrawn

Steps. Submission opens the acceptance step at the service centre (its own clock). Acceptance starts the case
clock (the promised limit) and the first stage of the item's procedure: one ``ApplicationStep`` per department,
several for a parallel joint review (并联审批), each with its own clock. A stage ends when every department has
answered; any refusal refuses the application with every refusal's reasons, otherwise the next stage starts, and
after the last the application is approved. Completion (办结) attaches the result document and stops the case clock.

Supplements (补正). A one-time notice lists every missing material; every running clock pauses; when the
applicant supplies them each clock resumes with the working time it had left carried over. A second request
needs a written justification and flags the case for supervision.

Concurrency. A transition locks the application row and applies only to the version its actor saw (window
actions) or to a step still open (department decisions): of two staff acting at once, one wins and the other is
told the case changed under them. Events, clocks and the applicant's SMS commit with the transition or not at all.

Where each part lives (every public name is re-exported here: ``from approvals import services`` is the API)::

    transitions   TRANSITIONS, FINAL_STATES, Conflict; the row lock, version and window checks of every transition
    recording     the event row and its publication (core.events.record), the applicant's SMS, clock instructions
    submission    service_centres_for, items_for_centre, submit_application, resent_application (Submission)
    acceptance    accept_application, refuse_acceptance
    review        take_step, decide_step, stages and the joint outcome of a parallel review
    supplements   can_request_supplement, request_supplement, supplement_application
    completion    can_complete, complete_application, rate_application, withdraw_application
    ratings       好差评: rate (a finished step or the case), rateable_steps, clean_rating; 差评整改回访: answer_rating
    codes         tracking numbers and query codes, find_for_tracking (RateLimited)
    timing        now(), due_after, carried_due: services read the time through ``timing.now``, so a test or the
                  demo acts at a chosen moment by replacing that one function
"""

from approvals.services.acceptance import accept_application, refuse_acceptance
from approvals.services.codes import (
    CODE_ALPHABET,
    RateLimited,
    find_for_tracking,
    hash_code,
    new_code,
    new_tracking_number,
)
from approvals.services.completion import can_complete, complete_application, rate_application, withdraw_application
from approvals.services.ratings import answer_rating, can_answer, rate, rateable_steps
from approvals.services.recording import SMS_TEXTS
from approvals.services.review import decide_step, take_step
from approvals.services.submission import (
    Submission,
    items_for_centre,
    resent_application,
    service_centres_for,
    submit_application,
)
from approvals.services.supplements import can_request_supplement, request_supplement, supplement_application
from approvals.services.timing import carried_due, due_after, now
from approvals.services.transitions import FINAL_STATES, TRANSITIONS, Conflict

__all__ = [
    "CODE_ALPHABET",
    "FINAL_STATES",
    "SMS_TEXTS",
    "TRANSITIONS",
    "Conflict",
    "RateLimited",
    "Submission",
    "accept_application",
    "can_complete",
    "can_request_supplement",
    "carried_due",
    "complete_application",
    "decide_step",
    "due_after",
    "find_for_tracking",
    "hash_code",
    "items_for_centre",
    "new_code",
    "new_tracking_number",
    "now",
    "rate",
    "rate_application",
    "rateable_steps",
    "answer_rating",
    "can_answer",
    "refuse_acceptance",
    "request_supplement",
    "service_centres_for",
    "resent_application",
    "submit_application",
    "supplement_application",
    "take_step",
    "withdraw_application",
]
