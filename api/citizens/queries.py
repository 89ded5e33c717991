import graphene

from api.approvals.types import Tracking
from api.citizens.types import MyCases
from api.complaints.types import ComplaintStatus
from approvals import selectors as approvals_selectors
from approvals.tracking import tracking_for
from citizens.selectors import my_cases
from complaints import services as complaint_services
from complaints.models import OwnerRead
from core import citizens


class CitizensQuery(graphene.ObjectType):
    my_cases = graphene.Field(
        MyCases, description="The session's citizen (logged in with phone and code): their cases; null otherwise."
    )
    my_application = graphene.Field(
        Tracking,
        tracking_number=graphene.String(required=True),
        description="One of the citizen's applications, without its query code; null if not theirs.",
    )
    my_complaint = graphene.Field(
        ComplaintStatus,
        reference=graphene.String(required=True),
        description="One of the citizen's named complaints, without the receipt (the read is recorded).",
    )

    @staticmethod
    def resolve_my_cases(root, info):
        phone = citizens.phone_of(info.context)
        if phone is None:
            return None
        cases = my_cases(phone, channel=OwnerRead.Channel.APP)
        return MyCases(phone=citizens.masked(phone), applications=cases.applications, complaints=cases.complaints)

    @staticmethod
    def resolve_my_application(root, info, tracking_number):
        pk = approvals_selectors.owns_application(citizens.phone_of(info.context), tracking_number)
        return tracking_for(pk) if pk is not None else None

    @staticmethod
    def resolve_my_complaint(root, info, reference):
        phone = citizens.phone_of(info.context)
        return complaint_services.own_complaint(phone, reference, channel=OwnerRead.Channel.APP)
