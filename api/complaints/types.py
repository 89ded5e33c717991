import graphene

from api.complaints.dataloaders import UpdatesByCaseLoader
from api.core.errors import error_type, mutation_result
from api.core.pagination import PageInfo
from complaints.error_codes import ComplaintErrorCode
from sms.error_codes import SmsErrorCode

# Following a case by SMS checks the phone number as sms.codes does: its codes are complaint errors too.
ComplaintErrorCodeEnum, ComplaintError = error_type("ComplaintError", ComplaintErrorCode, SmsErrorCode)
ComplaintResult = mutation_result(ComplaintError)


class ChallengeType(graphene.ObjectType):
    """A proof of work (core/challenge.py): find a counter such that sha256(token + counter) starts with `bits`
    zero bits, then send the token and the counter with the same request again."""

    token = graphene.String(required=True)
    bits = graphene.Int(required=True)


class CategoryOption(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)


class ReceiptPromiseType(graphene.ObjectType):
    """When the reporter will hear back, as the receipt says (complaints.services.receipt_promise)."""

    acknowledge_days = graphene.Int(required=True, description="Working days to acknowledge the complaint.")
    acknowledge_by = graphene.DateTime(description="The deadline of the first stage.")
    acknowledge_provisional = graphene.Boolean(
        required=True, description="acknowledgeBy was counted before its year's official holiday schedule (暂定)."
    )
    decide_days = graphene.Int(required=True, description="Working days after that to decide whether to open a case.")
    hotline = graphene.String(required=True, description="The reporting hotline, the alternative to this site.")

    @staticmethod
    def resolve_acknowledge_provisional(promise, info):
        return promise.provisional

    @staticmethod
    def resolve_hotline(promise, info):
        return "12388"


class CaseUpdateType(graphene.ObjectType):
    kind = graphene.String(required=True)
    kind_name = graphene.String(required=True)
    body = graphene.String(required=True)
    published_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_kind_name(update, info):
        return update.get_kind_display()


class ClarificationType(graphene.ObjectType):
    official_name = graphene.String(required=True)
    official_post = graphene.String(required=True)
    body = graphene.String(required=True)
    published_at = graphene.DateTime(required=True)


class PublicCase(graphene.ObjectType):
    reference = graphene.String(required=True)
    title = graphene.String(required=True)
    category = graphene.String(required=True)
    category_name = graphene.String(required=True)
    status = graphene.String(required=True)
    status_name = graphene.String(required=True)
    decision_name = graphene.String()
    department = graphene.String()
    updated_at = graphene.DateTime(required=True)
    updates = graphene.List(graphene.NonNull(CaseUpdateType), required=True)
    clarification = graphene.Field(ClarificationType)

    @staticmethod
    def resolve_title(case, info):
        return case.public_title

    @staticmethod
    def resolve_category_name(case, info):
        return case.get_category_display()

    @staticmethod
    def resolve_status_name(case, info):
        return case.get_status_display()

    @staticmethod
    def resolve_decision_name(case, info):
        return case.get_decision_display() if case.decision else None

    @staticmethod
    def resolve_department(case, info):
        return case.concerned_department.name if case.concerned_department else None

    @staticmethod
    def resolve_updates(case, info):
        return UpdatesByCaseLoader(info.context).load(case.pk)

    @staticmethod
    def resolve_clarification(case, info):
        # Read with the case (select_related): a case without one answers None without a query.
        return getattr(case, "clarification", None)


class PublicCaseListing(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(PublicCase), required=True)
    page_info = graphene.Field(PageInfo, required=True)


class ThreadItem(graphene.ObjectType):
    from_reporter = graphene.Boolean(required=True)
    body = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)


class ComplaintStatus(graphene.ObjectType):
    """What the receipt holder sees: no investigator names, no internal notes."""

    reference = graphene.String(required=True)
    status = graphene.String(required=True)
    status_name = graphene.String(required=True)
    decision_name = graphene.String()
    outcome = graphene.String()
    closed_reason = graphene.String()
    transferred_to = graphene.String(description="The competent body the complaint was transferred to.")
    description = graphene.String(required=True)
    received_at = graphene.DateTime(required=True)
    is_public = graphene.Boolean(required=True)
    messages = graphene.List(graphene.NonNull(ThreadItem), required=True)

    @staticmethod
    def resolve_status_name(complaint, info):
        return complaint.get_status_display()

    @staticmethod
    def resolve_decision_name(complaint, info):
        return complaint.get_decision_display() if complaint.decision else None

    @staticmethod
    def resolve_messages(complaint, info):
        return list(complaint.messages.all())
