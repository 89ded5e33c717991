import graphene

from api.approvals.dataloaders import MaterialsByItemLoader, StepsByItemLoader
from api.core.errors import error_type, mutation_result
from api.core.pagination import PageInfo
from approvals import rating_reasons, selectors
from approvals.error_codes import ApprovalErrorCode
from approvals.flowchart import flowchart_svg
from approvals.models import Theme
from core.workdays import is_provisional

ApprovalErrorCodeEnum, ApprovalError = error_type("ApprovalError", ApprovalErrorCode)
ApprovalResult = mutation_result(ApprovalError)
ThemeEnum = graphene.Enum.from_enum(Theme)


class Department(graphene.ObjectType):
    id = graphene.ID(required=True)
    code = graphene.String(required=True)
    name = graphene.String(required=True)


class CatalogueDepartment(graphene.ObjectType):
    """A department responsible for published items: a choice of the app's department filter."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    item_count = graphene.Int(required=True)


class ServiceCentre(graphene.ObjectType):
    """A service centre to hand an application in at; the details are empty strings when not filled in."""

    name = graphene.String(required=True, description="In a county group, the township's name.")
    address = graphene.String(required=True)
    phone = graphene.String(required=True)
    phone_uri = graphene.String(required=True, description="The phone as a tel: URI; empty without a phone.")
    opening_hours = graphene.String(required=True, description="A short text; centres close on public holidays.")


class PublicHoliday(graphene.ObjectType):
    name = graphene.String(required=True)
    first_day = graphene.Date(required=True)
    last_day = graphene.Date(required=True)
    provisional = graphene.Boolean(
        required=True, description="Computed by rule: no official holiday schedule for its year yet (暂定)."
    )


class PlaceGroup(graphene.ObjectType):
    name = graphene.String(required=True, description="The county or district; empty if the centre has none.")
    places = graphene.List(graphene.NonNull(graphene.String), required=True, description="Its townships' names.")
    centres = graphene.List(graphene.NonNull(ServiceCentre), required=True, description="The same, with details.")

    @staticmethod
    def resolve_places(group, info):
        return [place.name for place in group.places]

    @staticmethod
    def resolve_centres(group, info):
        return group.places


class HandlingPlaces(graphene.ObjectType):
    city = graphene.List(graphene.NonNull(graphene.String), required=True, description="City service centres.")
    city_centres = graphene.List(
        graphene.NonNull(ServiceCentre), required=True, description="City service centres, with details."
    )
    groups = graphene.List(graphene.NonNull(PlaceGroup), required=True)
    township_count = graphene.Int(required=True)
    next_holiday = graphene.Field(PublicHoliday, description="The coming public holiday, when the centres close.")

    @staticmethod
    def resolve_city(places, info):
        return [place.name for place in places.city]

    @staticmethod
    def resolve_city_centres(places, info):
        return places.city


class Material(graphene.ObjectType):
    name = graphene.String(required=True)
    form = graphene.String(required=True)
    copies = graphene.Int(required=True)
    required = graphene.Boolean(required=True)
    template_url = graphene.String(deprecation_reason="Use blankFormUrl.")
    blank_form_url = graphene.String(description="The blank form to fill in (空白表格), if the item has one.")
    sample_url = graphene.String(description="The form filled in as an example (示范文本), if the item has one.")

    @staticmethod
    def resolve_form(material, info):
        return material.get_form_display()

    @staticmethod
    def resolve_template_url(material, info):
        return material.blank_form.url if material.blank_form else None

    @staticmethod
    def resolve_blank_form_url(material, info):
        return material.blank_form.url if material.blank_form else None

    @staticmethod
    def resolve_sample_url(material, info):
        return material.sample.url if material.sample else None


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
    handling_places = graphene.Field(
        HandlingPlaces, required=True, description="Where to hand it in; ask it of one item, not of a list."
    )

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
        return MaterialsByItemLoader(info.context).load(item.pk)

    @staticmethod
    def resolve_steps(item, info):
        return StepsByItemLoader(info.context).load(item.pk)

    @staticmethod
    def resolve_handling_places(item, info):
        return selectors.handling_places(item)

    @staticmethod
    def resolve_flowchart_svg(item, info):
        return flowchart_svg(item, StepsByItemLoader(info.context).load(item.pk))


class ApprovalItemListing(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(ApprovalItemType), required=True)
    page_info = graphene.Field(PageInfo, required=True)


class CurrentStep(graphene.ObjectType):
    name = graphene.String(required=True)
    department = graphene.String(required=True)
    officer = graphene.String(required=True, description="The handling officer's staff number, or empty.")
    due_at = graphene.DateTime()
    due_provisional = graphene.Boolean(
        required=True, description="The due time was counted before its year's official holiday schedule (暂定)."
    )
    paused = graphene.Boolean(required=True)

    @staticmethod
    def resolve_due_provisional(step, info):
        return is_provisional(getattr(step, "due_at", None))


class HistoryEntry(graphene.ObjectType):
    occurred_at = graphene.DateTime(required=True)
    label = graphene.String(required=True)
    step = graphene.String(required=True)
    department = graphene.String(required=True)
    officer = graphene.String(required=True)
    note = graphene.String(required=True)


class RatingReason(graphene.ObjectType):
    """One reason of 好差评: good ones go with 3 stars or more, bad ones with 1 or 2 (at least one is needed)."""

    code = graphene.String(required=True)
    label = graphene.String(required=True)
    bad = graphene.Boolean(required=True)
    misconduct = graphene.Boolean(required=True, description="Alleges misconduct: the discipline inspectors follow it.")


class RatingLevel(graphene.ObjectType):
    stars = graphene.Int(required=True)
    label = graphene.String(required=True)


class FinishedStep(graphene.ObjectType):
    """A finished step of the case, which the applicant may rate once (好差评)."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    department = graphene.String(required=True)
    decided_at = graphene.DateTime()
    stars = graphene.Int(description="The applicant's rating, once given.")
    reasons = graphene.List(graphene.NonNull(graphene.String), required=True, description="The reasons, in words.")
    can_rate = graphene.Boolean(required=True)
    answer_due_at = graphene.DateTime(
        description="A bad rating not answered yet: when the department checks it, puts it right and calls back."
    )
    answered = graphene.Boolean(required=True, description="A bad rating the department has answered (see history).")


def rating_reasons_list():
    return [
        RatingReason(
            code=code, label=str(label), bad=code in rating_reasons.BAD, misconduct=code in rating_reasons.MISCONDUCT
        )
        for code, label in rating_reasons.ALL.items()
    ]


class Tracking(graphene.ObjectType):
    tracking_number = graphene.String(required=True)
    item_name = graphene.String(required=True)
    state = graphene.String(required=True)
    status = graphene.String(required=True)
    submitted_at = graphene.DateTime(required=True)
    due_at = graphene.DateTime()
    due_provisional = graphene.Boolean(
        required=True, description="The due time was counted before its year's official holiday schedule (暂定)."
    )
    paused = graphene.Boolean(required=True)
    decision_reason = graphene.String(required=True)
    supplement_materials = graphene.List(graphene.NonNull(graphene.String), required=True)
    current_steps = graphene.List(graphene.NonNull(CurrentStep), required=True)
    history = graphene.List(graphene.NonNull(HistoryEntry), required=True)
    can_rate = graphene.Boolean(required=True, description="The whole case may be rated now.")
    case_stars = graphene.Int(description="The applicant's rating of the whole case, once given.")
    case_answer_due_at = graphene.DateTime(description="The case's bad rating not answered yet: when it is due.")
    case_answered = graphene.Boolean(required=True, description="The case's bad rating has been answered.")
    finished_steps = graphene.List(graphene.NonNull(FinishedStep), required=True)
    rating_reasons = graphene.List(graphene.NonNull(RatingReason), required=True)
    rating_levels = graphene.List(graphene.NonNull(RatingLevel), required=True)
    page_url = graphene.String(required=True, description="The tracking page (uploads, files) in this session.")

    @staticmethod
    def resolve_due_provisional(view, info):
        return is_provisional(view.due_at)

    @staticmethod
    def resolve_rating_reasons(view, info):
        return rating_reasons_list()

    @staticmethod
    def resolve_rating_levels(view, info):
        return [RatingLevel(stars=n, label=str(label)) for n, label in rating_reasons.LEVELS.items()]

    @staticmethod
    def resolve_page_url(view, info):
        return f"/approvals/track/{view.tracking_number}/"
