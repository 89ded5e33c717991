"""The anonymous thread: messages between the reporter (opened with the receipt) and the investigators."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.error_codes import ComplaintErrorCode
from complaints.models import Complaint, Status, ThreadMessage
from complaints.services.checks import require_handler, required
from complaints.services.texts import notify_reporter

MAX_MESSAGE = 5000


def reporter_message(complaint: Complaint, body: str) -> ThreadMessage:
    """The reporter writes to the investigators (after find_by_receipt)."""
    body = required(body, "body", _("Write your message."))[:MAX_MESSAGE]
    if complaint.status == Status.CLOSED:
        raise ValidationError(
            _("This complaint is closed: messages are no longer accepted."), code=ComplaintErrorCode.CLOSED
        )
    return ThreadMessage.objects.create(complaint=complaint, from_reporter=True, body=body)


def investigator_message(complaint: Complaint, by: AbstractUser, body: str) -> ThreadMessage:
    """An investigator writes to the reporter; a named reporter gets an SMS that there is a reply."""
    require_handler(by)
    body = required(body, "body", _("Write your message."))[:MAX_MESSAGE]
    with transaction.atomic():
        message = ThreadMessage.objects.create(complaint=complaint, from_reporter=False, author=by, body=body)
        notify_reporter(complaint, "reply", key_suffix=f":{message.pk}")
    return message
