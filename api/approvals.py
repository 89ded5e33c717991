"""Online approval: the public catalogue, and tracking an application by its number and query code."""

import graphene
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from graphql import GraphQLError

from api import errors, security
from api.pagination import PageInfo, clamp_page_size, page_of
from approvals import services
from approvals.flowchart import flowchart_svg
from approvals.models import ApprovalItem, ItemStep, Theme
from approvals.tracking import tracking_for
from approvals.views import _grant

ThemeEnum = graphene.Enum.from_enum(Theme)


class Department(graphene.ObjectType):
    id = graphene.ID(required=True)
    code = graphene.String(required=True)
    name = graphene.String(required=True)


class Material(graphene.ObjectType):
    name = graphene.String(required=True)
    form = graphene.String(required=True)
    copies = graphene.Int(required=True)
    required = graphene.Boolean(required=True)
    template_url = graphene.String()

    @staticmethod
    def resolve_form(material, info):
        return material.get_form_display()

    @staticmethod
    def resolve_template_url(material, info):
        return material.template.url if material.template else None


class Step(graphene.ObjectType):
    order = graphene.Int(required=True)
    name = graphene.String(required=True)
    working_days = graphene.Int(required=True)
    parallel = graphene.Boolean(required=True)
    departments = graphene.List(graphene.NonNull(Department), required=True)

    @staticmethod
    def resolve_departments(step, info):
        return list(step.departments.all())

    @staticmethod
    def resolve_parallel(step, info):
        return len(step.departments.all()) > 1


class ApprovalItemType(graphene.ObjectType):
    class Meta:
        name = "ApprovalItem"

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    summary = graphene.String(required=True)
    theme = graphene.String(required=True)
    theme_label = graphene.String(required=True)
    department = graphene.Field(Department, required=True)
    legal_basis = graphene.String(required=True)
    conditions = graphene.List(graphene.NonNull(graphene.String), required=True)
    statutory_days = graphene.Int(required=True)
    promised_days = graphene.Int(required=True)
    fee = graphene.String(required=True, description="Yuan, two decimals; 0.00 when free.")
    fee_basis = graphene.String(required=True)
    handling_mode = graphene.String(required=True)
    materials = graphene.List(graphene.NonNull(Material), required=True)
    steps = graphene.List(graphene.NonNull(Step), required=True)
    flowchart_svg = graphene.String(required=True)

    @staticmethod
    def resolve_theme_label(item, info):
        return item.get_theme_display()

    @staticmethod
    def resolve_conditions(item, info):
        return item.condition_lines()

    @staticmethod
    def resolve_fee(item, info):
        return f"{item.fee:.2f}"

    @staticmethod
    def resolve_handling_mode(item, info):
        return item.get_handling_mode_display()

    @staticmethod
    def resolve_materials(item, info):
        return list(item.materials.all())

    @staticmethod
    def resolve_steps(item, info):
        return list(item.steps.all())

    @staticmethod
    def resolve_flowchart_svg(item, info):
        return flowchart_svg(item, list(item.steps.all()))


class ApprovalItemListing(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(ApprovalItemType), required=True)
    page_info = graphene.Field(PageInfo, required=True)


class CurrentStep(graphene.ObjectType):
    name = graphene.String(required=True)
    department = graphene.String(required=True)
    officer = graphene.String(required=True, description="The handling officer's staff number, or empty.")
    due_at = graphene.DateTime()
    paused = graphene.Boolean(required=True)


class HistoryEntry(graphene.ObjectType):
    occurred_at = graphene.DateTime(required=True)
    label = graphene.String(required=True)
    step = graphene.String(required=True)
    department = graphene.String(required=True)
    officer = graphene.String(required=True)
    note = graphene.String(required=True)


class Tracking(graphene.ObjectType):
    tracking_number = graphene.String(required=True)
    item_name = graphene.String(required=True)
    state = graphene.String(required=True)
    status = graphene.String(required=True)
    submitted_at = graphene.DateTime(required=True)
    due_at = graphene.DateTime()
    paused = graphene.Boolean(required=True)
    decision_reason = graphene.String(required=True)
    supplement_materials = graphene.List(graphene.NonNull(graphene.String), required=True)
    current_steps = graphene.List(graphene.NonNull(CurrentStep), required=True)
    history = graphene.List(graphene.NonNull(HistoryEntry), required=True)
    can_rate = graphene.Boolean(required=True)
    page_url = graphene.String(required=True, description="The tracking page (uploads, files) in this session.")

    @staticmethod
    def resolve_page_url(view, info):
        return f"/approvals/track/{view.tracking_number}/"


def _items():
    return (
        ApprovalItem.objects.filter(is_published=True)
        .select_related("department")
        .prefetch_related("materials", Prefetch("steps", ItemStep.objects.prefetch_related("departments")))
    )


def _track(info, tracking_number, code):
    """The application if number and code match; None otherwise, the same for both failures."""
    request = info.context
    try:
        found = services.find_for_tracking(tracking_number, code, security.client_ip(request))
    except services.RateLimited:
        raise GraphQLError(
            _("Too many failed attempts. Please try again later."), extensions={"code": "rate_limited"}
        ) from None
    if found is not None:
        _grant(request, found.pk)
    return found


class ApprovalsQuery(graphene.ObjectType):
    approval_items = graphene.Field(
        ApprovalItemListing,
        required=True,
        search=graphene.String(),
        department_id=graphene.ID(),
        theme=ThemeEnum(),
        page=graphene.Int(default_value=1),
        page_size=graphene.Int(),
    )
    approval_item = graphene.Field(ApprovalItemType, code=graphene.String(required=True))

    @staticmethod
    def resolve_approval_items(root, info, search=None, department_id=None, theme=None, page=1, page_size=None):
        items = _items().order_by("department__path", "code")
        if search and search.strip():
            q = search.strip()[:50]
            items = items.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(summary__icontains=q))
        if department_id:
            items = items.filter(department_id=department_id)
        if theme:
            items = items.filter(theme=getattr(theme, "value", theme))
        found, page_info = page_of(Paginator(items, clamp_page_size(page_size)), page)
        return ApprovalItemListing(items=found, page_info=page_info)

    @staticmethod
    def resolve_approval_item(root, info, code):
        return _items().filter(code=code).first()


class TrackApplication(errors.MutationResult, graphene.Mutation):
    """Look a case up by tracking number and query code. A mutation, so the code travels in a POST body (never in
    a URL or a cache) and the attempt is counted: `not_found` whichever of the two is wrong; `rate_limited`."""

    class Arguments:
        tracking_number = graphene.String(required=True)
        code = graphene.String(required=True)

    tracking = graphene.Field(Tracking)

    @classmethod
    def mutate(cls, root, info, tracking_number, code):
        if not security.allow_mutation(info.context, "track_application"):
            return errors.failed(cls, security.rate_limited_error())
        try:
            found = _track(info, tracking_number, code)
        except GraphQLError as exc:
            return errors.failed(cls, errors.error(exc.message, "rate_limited"))
        if found is None:
            return errors.failed(
                cls, errors.error(_("No application matches this tracking number and query code."), "not_found")
            )
        return cls(ok=True, errors=[], tracking=tracking_for(found))


class RateApplication(errors.MutationResult, graphene.Mutation):
    class Arguments:
        tracking_number = graphene.String(required=True)
        code = graphene.String(required=True)
        rating = graphene.Int(required=True)
        comment = graphene.String(default_value="")

    @classmethod
    def mutate(cls, root, info, tracking_number, code, rating, comment=""):
        if not security.allow_mutation(info.context, "rate_application"):
            return errors.failed(cls, security.rate_limited_error())
        try:
            found = _track(info, tracking_number, code)
        except GraphQLError as exc:
            return errors.failed(cls, errors.error(exc.message, "rate_limited"))
        if found is None:
            return errors.failed(cls, errors.not_found())
        try:
            services.rate_application(found, rating=rating, comment=comment)
        except ValidationError as exc:
            return errors.failed(cls, *errors.from_validation_error(exc))
        return cls(ok=True, errors=[])


class ApprovalsMutation(graphene.ObjectType):
    track_application = TrackApplication.Field()
    rate_application = RateApplication.Field()
