import graphene
from django.core.exceptions import ValidationError

from api.complaints.types import ChallengeType, ComplaintResult, ComplaintStatus, ReceiptPromiseType
from api.core import errors
from api.core.idempotency import idempotency_key_argument
from complaints import receipts, selectors, services
from complaints.error_codes import ComplaintErrorCode
from complaints.forms import ComplaintForm
from complaints.privacy import source_of
from core import challenge, idempotency
from core.challenge import Solution


def _form_errors(form):
    out = []
    names = {
        "concerned_department": "concernedDepartmentId",
        "is_anonymous": "anonymous",
        "concerned_post": "concernedPost",
        "concerned_level": "concernedLevel",
    }
    for field, items in form.errors.get_json_data().items():
        for item in items:
            out.append(
                errors.error(item["message"], item["code"], None if field == "__all__" else names.get(field, field))
            )
    return out


class SubmitComplaint(ComplaintResult, graphene.Mutation):
    """File a complaint (text only; attachments go through the web form, which the app screen also uses)."""

    class Arguments:
        category = graphene.String(required=True)
        description = graphene.String(required=True)
        concerned_department_id = graphene.ID()
        concerned_person = graphene.String(default_value="")
        concerned_post = graphene.String(default_value="", description="The reported person's post (职务).")
        concerned_level = graphene.String(
            default_value="", description="Their level (职级): a code of complaintLevels, or empty when not known."
        )
        related_reference = graphene.String(default_value="", description="An approval tracking number.")
        anonymous = graphene.Boolean(default_value=True)
        name = graphene.String(default_value="")
        phone = graphene.String(default_value="")
        idempotency_key = idempotency_key_argument()
        challenge_token = graphene.String(
            default_value="", description="Past a network's hourly share: the token of the challenge asked for."
        )
        challenge_counter = graphene.String(default_value="", description="The counter that solves it.")

    reference = graphene.String()
    receipt = graphene.String(description="Shown once: only a slow hash of it is kept.")
    received_at = graphene.DateTime()
    promise = graphene.Field(ReceiptPromiseType, description="When the reporter will hear back.")
    challenge = graphene.Field(
        ChallengeType, description="Set when the errors ask for a challenge: solve it, send again."
    )

    @classmethod
    def refused(cls, exc):
        result = errors.failed(cls, *errors.from_validation_error(exc))
        codes = [] if hasattr(exc, "error_dict") else [item.code for item in exc.error_list]
        if ComplaintErrorCode.CHALLENGE_REQUIRED in codes:
            result.challenge = challenge.issue(services.CHALLENGE_PURPOSE)
        return result

    @classmethod
    def mutate(cls, root, info, category, description, anonymous=True, concerned_department_id=None, **rest):
        key = idempotency.key_from(info.context, rest.get("idempotency_key", ""))
        solution = Solution(
            services.CHALLENGE_PURPOSE, rest.pop("challenge_token", ""), rest.pop("challenge_counter", "")
        )
        if (resent := services.resent_submission(key)) is not None:
            return cls.answer(resent)  # a resend: the first answer, before any limit, counted for nothing
        try:
            services.count_attempt(source_of(info.context), solution)
        except ValidationError as exc:
            return cls.refused(exc)
        form = ComplaintForm(
            {
                "category": category,
                "description": description,
                "concerned_department": concerned_department_id or "",
                "concerned_person": rest.get("concerned_person", ""),
                "concerned_post": rest.get("concerned_post", ""),
                "concerned_level": rest.get("concerned_level", ""),
                "related_reference": rest.get("related_reference", ""),
                "is_anonymous": "1" if anonymous else "0",
                "name": rest.get("name", ""),
                "phone": rest.get("phone", ""),
            }
        )
        if not form.is_valid():
            return errors.failed(cls, *_form_errors(form))
        try:
            submission = services.submit_complaint(
                form.cleaned_data, source=source_of(info.context), idempotency_key=key, solution=solution
            )
        except ValidationError as exc:
            return cls.refused(exc)
        return cls.answer(submission)

    @classmethod
    def answer(cls, submission):
        return cls(
            ok=True,
            errors=[],
            reference=submission.complaint.reference,
            receipt=receipts.display(submission.receipt) or None,
            received_at=submission.complaint.received_at,
            promise=services.receipt_promise(submission.complaint),
        )


def _open(info, reference, receipt):
    """(complaint, None) or (None, [error]) for a reference and receipt."""
    try:
        return services.find_by_receipt(reference, receipt, source=source_of(info.context)), None
    except services.ReceiptError as exc:
        return None, [errors.error(exc.message, exc.code, "receipt")]


class FollowComplaint(ComplaintResult, graphene.Mutation):
    """Open a complaint with its reference and receipt. A mutation, so the receipt never sits in a GET URL."""

    class Arguments:
        reference = graphene.String(required=True)
        receipt = graphene.String(required=True)

    complaint = graphene.Field(ComplaintStatus)

    @classmethod
    def mutate(cls, root, info, reference, receipt):
        complaint, problems = _open(info, reference, receipt)
        if problems:
            return errors.failed(cls, *problems)
        return cls(ok=True, errors=[], complaint=complaint)


class SendComplaintMessage(ComplaintResult, graphene.Mutation):
    class Arguments:
        reference = graphene.String(required=True)
        receipt = graphene.String(required=True)
        body = graphene.String(required=True)

    complaint = graphene.Field(ComplaintStatus)

    @classmethod
    def mutate(cls, root, info, reference, receipt, body):
        complaint, problems = _open(info, reference, receipt)
        if problems:
            return errors.failed(cls, *problems)
        try:
            services.reporter_message(complaint, body)
        except ValidationError as exc:
            return errors.failed(cls, *errors.from_validation_error(exc))
        return cls(ok=True, errors=[], complaint=complaint)


def _public_case_or_error(reference):
    case = selectors.public_case(reference)
    return case, (None if case else errors.not_found("reference"))


class RequestCaseSubscription(ComplaintResult, graphene.Mutation):
    """Send a code to follow a public case by SMS; with `stop`, to stop following it."""

    class Arguments:
        reference = graphene.String(required=True)
        phone = graphene.String(required=True)
        stop = graphene.Boolean(default_value=False)

    @classmethod
    def mutate(cls, root, info, reference, phone, stop=False):
        case, problem = _public_case_or_error(reference)
        if problem:
            return errors.failed(cls, problem)
        try:
            services.request_subscription(case, phone, source=source_of(info.context), stop=stop)
        except ValidationError as exc:
            return errors.failed(cls, *errors.from_validation_error(exc))
        return cls(ok=True, errors=[])


class ConfirmCaseSubscription(ComplaintResult, graphene.Mutation):
    class Arguments:
        reference = graphene.String(required=True)
        phone = graphene.String(required=True)
        code = graphene.String(required=True)
        stop = graphene.Boolean(default_value=False)

    @classmethod
    def mutate(cls, root, info, reference, phone, code, stop=False):
        case, problem = _public_case_or_error(reference)
        if problem:
            return errors.failed(cls, problem)
        try:
            services.confirm_subscription(case, phone, code, stop=stop)
        except ValidationError as exc:
            return errors.failed(cls, *errors.from_validation_error(exc))
        return cls(ok=True, errors=[])


class ComplaintsMutation(graphene.ObjectType):
    submit_complaint = SubmitComplaint.Field()
    follow_complaint = FollowComplaint.Field()
    send_complaint_message = SendComplaintMessage.Field()
    request_case_subscription = RequestCaseSubscription.Field()
    confirm_case_subscription = ConfirmCaseSubscription.Field()
