"""Complaints: intake, following a complaint with its receipt, the anonymous thread, public cases and SMS follow.

No type here has a field for a reporter's identity, and no staff query exists: the identity is reachable only
through the admin's reveal page. Requests naming these fields are scrubbed of client metadata
(complaints.privacy), so rate limits use ``request.complaints_source``, never the address.
"""

import graphene
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch

from api import errors
from api.pagination import PageInfo, clamp_page_size, page_of
from complaints import receipts, services
from complaints.forms import ComplaintForm
from complaints.models import CaseUpdate, Category
from complaints.privacy import source_of


class CategoryOption(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)


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
        return list(case.updates.all())

    @staticmethod
    def resolve_clarification(case, info):
        found = case.clarifications_list
        return found[0] if found else None


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


def _public_cases():
    # The one-to-one clarification is read with select_related; updates are prefetched: two queries per page.
    return (
        services.public_cases()
        .select_related("clarification")
        .prefetch_related(Prefetch("updates", queryset=CaseUpdate.objects.order_by("published_at", "pk")))
        .order_by("-updated_at", "-pk")
    )


def _with_clarification(case):
    case.clarifications_list = [case.clarification] if hasattr(case, "clarification") else []
    return case


class ComplaintsQuery(graphene.ObjectType):
    complaint_categories = graphene.List(graphene.NonNull(CategoryOption), required=True)
    public_cases = graphene.Field(
        PublicCaseListing, page=graphene.Int(default_value=1), page_size=graphene.Int(), required=True
    )
    public_case = graphene.Field(PublicCase, reference=graphene.String(required=True))

    @staticmethod
    def resolve_complaint_categories(root, info):
        return [CategoryOption(code=code, name=str(name)) for code, name in Category.choices]

    @staticmethod
    def resolve_public_cases(root, info, page=1, page_size=None):
        items, page_info = page_of(Paginator(_public_cases(), clamp_page_size(page_size)), page)
        return PublicCaseListing(items=[_with_clarification(case) for case in items], page_info=page_info)

    @staticmethod
    def resolve_public_case(root, info, reference):
        case = _public_cases().filter(reference=reference).first()
        return _with_clarification(case) if case else None


def _validation_errors(exc):
    return errors.from_validation_error(exc)


def _form_errors(form):
    out = []
    names = {"concerned_department": "concernedDepartmentId", "is_anonymous": "anonymous"}
    for field, items in form.errors.get_json_data().items():
        for item in items:
            out.append(
                errors.error(
                    item["message"], item["code"] or "invalid", None if field == "__all__" else names.get(field, field)
                )
            )
    return out


class SubmitComplaint(errors.MutationResult, graphene.Mutation):
    """File a complaint (text only; attachments go through the web form, which the app screen also uses)."""

    class Arguments:
        category = graphene.String(required=True)
        description = graphene.String(required=True)
        concerned_department_id = graphene.ID()
        concerned_person = graphene.String(default_value="")
        related_reference = graphene.String(default_value="", description="An approval tracking number.")
        anonymous = graphene.Boolean(default_value=True)
        name = graphene.String(default_value="")
        phone = graphene.String(default_value="")

    reference = graphene.String()
    receipt = graphene.String(description="Shown once: only a slow hash of it is kept.")

    @classmethod
    def mutate(cls, root, info, category, description, anonymous=True, concerned_department_id=None, **rest):
        try:
            services.count_attempt(source_of(info.context))
        except ValidationError as exc:
            return errors.failed(cls, *_validation_errors(exc))
        form = ComplaintForm(
            {
                "category": category,
                "description": description,
                "concerned_department": concerned_department_id or "",
                "concerned_person": rest.get("concerned_person", ""),
                "related_reference": rest.get("related_reference", ""),
                "is_anonymous": "1" if anonymous else "0",
                "name": rest.get("name", ""),
                "phone": rest.get("phone", ""),
            }
        )
        if not form.is_valid():
            return errors.failed(cls, *_form_errors(form))
        try:
            submission = services.submit_complaint(form.cleaned_data, source=source_of(info.context))
        except ValidationError as exc:
            return errors.failed(cls, *_validation_errors(exc))
        return cls(
            ok=True,
            errors=[],
            reference=submission.complaint.reference,
            receipt=receipts.display(submission.receipt),
        )


def _open(info, reference, receipt):
    """(complaint, None) or (None, [error]) for a reference and receipt."""
    try:
        return services.find_by_receipt(reference, receipt, source=source_of(info.context)), None
    except services.ReceiptError as exc:
        return None, [errors.error(exc.message, exc.code, "receipt")]


class FollowComplaint(errors.MutationResult, graphene.Mutation):
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


class SendComplaintMessage(errors.MutationResult, graphene.Mutation):
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
            return errors.failed(cls, *_validation_errors(exc))
        return cls(ok=True, errors=[], complaint=complaint)


def _public_case_or_error(reference):
    case = services.public_cases().filter(reference=reference).first()
    return case, (None if case else errors.not_found("reference"))


class RequestCaseSubscription(errors.MutationResult, graphene.Mutation):
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
            return errors.failed(cls, *_validation_errors(exc))
        return cls(ok=True, errors=[])


class ConfirmCaseSubscription(errors.MutationResult, graphene.Mutation):
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
            return errors.failed(cls, *_validation_errors(exc))
        return cls(ok=True, errors=[])


class ComplaintsMutation(graphene.ObjectType):
    submit_complaint = SubmitComplaint.Field()
    follow_complaint = FollowComplaint.Field()
    send_complaint_message = SendComplaintMessage.Field()
    request_case_subscription = RequestCaseSubscription.Field()
    confirm_case_subscription = ConfirmCaseSubscription.Field()
