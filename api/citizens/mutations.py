import graphene
from django.core.exceptions import ValidationError

from api.complaints.types import ComplaintResult, ComplaintStatus
from api.core import errors, security
from complaints import services as complaint_services
from complaints.models import OwnerRead
from core import citizens


class SendMyComplaintMessage(ComplaintResult, graphene.Mutation):
    """The citizen (logged in with phone and code) writes to the investigator of one of their named complaints."""

    class Arguments:
        reference = graphene.String(required=True)
        body = graphene.String(required=True)

    complaint = graphene.Field(ComplaintStatus)

    @classmethod
    def mutate(cls, root, info, reference, body):
        if not security.allow_mutation(info.context, "send_my_complaint_message"):
            return errors.failed(cls, security.rate_limited_error())
        phone = citizens.phone_of(info.context)
        complaint = complaint_services.own_complaint(phone, reference, channel=OwnerRead.Channel.APP)
        if complaint is None:
            # Not theirs, anonymous, or the session lapsed: one answer, which names nothing.
            return errors.failed(cls, errors.not_found("reference"))
        try:
            complaint_services.reporter_message(complaint, body)
        except ValidationError as exc:
            return errors.failed(cls, *errors.from_validation_error(exc))
        return cls(ok=True, errors=[], complaint=complaint)


class CitizensMutation(graphene.ObjectType):
    send_my_complaint_message = SendMyComplaintMessage.Field()
