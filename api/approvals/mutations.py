import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from api.approvals.types import ApprovalResult, Tracking
from api.core import errors, security
from api.core.idempotency import idempotency_key_argument
from approvals import services
from approvals.models import Application, ApplicationStep
from approvals.tracking import grant_tracking, is_granted, tracking_for
from core import idempotency
from core.error_codes import CommonErrorCode


def _track(info, tracking_number, code):
    """(application, None) if number and code match; (None, error) otherwise, the same for both failures."""
    request = info.context
    try:
        found = services.find_for_tracking(tracking_number, code, security.client_ip(request))
    except services.RateLimited:
        message = _("Too many failed attempts. Please try again later.")
        return None, errors.error(message, CommonErrorCode.RATE_LIMITED)
    if found is None:
        return None, None
    grant_tracking(request, found.pk)
    return found, None


class TrackApplication(ApprovalResult, graphene.Mutation):
    """Look a case up by tracking number and query code. A mutation, so the code travels in a POST body (never in
    a URL or a cache) and the attempt is counted: `NOT_FOUND` whichever of the two is wrong; `RATE_LIMITED`."""

    class Arguments:
        tracking_number = graphene.String(required=True)
        code = graphene.String(required=True)

    tracking = graphene.Field(Tracking)

    @classmethod
    def mutate(cls, root, info, tracking_number, code):
        if not security.allow_mutation(info.context, "track_application"):
            return errors.failed(cls, security.rate_limited_error())
        found, problem = _track(info, tracking_number, code)
        if problem is not None:
            return errors.failed(cls, problem)
        if found is None:
            message = _("No application matches this tracking number and query code.")
            return errors.failed(cls, errors.error(message, CommonErrorCode.NOT_FOUND))
        return cls(ok=True, errors=[], tracking=tracking_for(found))


class RateApplication(ApprovalResult, graphene.Mutation):
    class Arguments:
        tracking_number = graphene.String(required=True)
        code = graphene.String(required=True)
        rating = graphene.Int(required=True)
        comment = graphene.String(default_value="")

    @classmethod
    def mutate(cls, root, info, tracking_number, code, rating, comment=""):
        if not security.allow_mutation(info.context, "rate_application"):
            return errors.failed(cls, security.rate_limited_error())
        found, problem = _track(info, tracking_number, code)
        if problem is not None:
            return errors.failed(cls, problem)
        if found is None:
            return errors.failed(cls, errors.not_found())
        try:
            services.rate_application(found, rating=rating, comment=comment)
        except ValidationError as exc:
            return errors.failed(cls, *errors.from_validation_error(exc))
        return cls(ok=True, errors=[])


class RateService(ApprovalResult, graphene.Mutation):
    """好差评: the applicant rates one finished step (``stepId``) or, without it, the completed case: 1-5 stars with
    reasons (``Tracking.ratingReasons``) and a comment. Only for a session that looked the case up with its query
    code (``trackApplication``), or with ``code`` given. Once per step: `ALREADY_RATED`; a retry with the same
    ``idempotencyKey`` gets the first answer."""

    class Arguments:
        tracking_number = graphene.String(required=True)
        code = graphene.String(description="The query code, if this session has not looked the case up.")
        step_id = graphene.ID(description="The finished step rated; none for the whole case.")
        rating = graphene.Int(required=True)
        reasons = graphene.List(graphene.NonNull(graphene.String))
        comment = graphene.String(default_value="")
        idempotency_key = idempotency_key_argument()

    tracking = graphene.Field(Tracking)

    @classmethod
    def mutate(cls, root, info, tracking_number, rating, code="", step_id=None, reasons=None, comment="", **rest):
        request = info.context
        if not security.allow_mutation(request, "rate_service"):
            return errors.failed(cls, security.rate_limited_error())
        app = Application.objects.filter(tracking_number=str(tracking_number)[:40]).first()
        if app is None or not is_granted(request, app.pk):
            if not code:
                return errors.failed(cls, errors.not_found())
            app, problem = _track(info, tracking_number, code)
            if problem is not None:
                return errors.failed(cls, problem)
            if app is None:
                return errors.failed(cls, errors.not_found())
        step = None
        if step_id:
            step = ApplicationStep.objects.filter(application=app, pk=_int(step_id)).first()
            if step is None:
                return errors.failed(cls, errors.not_found("stepId"))
        key = idempotency.key_from(request, rest.get("idempotency_key", ""))
        try:
            services.rate(app, step=step, rating=rating, reasons=reasons or [], comment=comment, idempotency_key=key)
        except ValidationError as exc:
            return errors.failed(cls, *errors.from_validation_error(exc))
        return cls(ok=True, errors=[], tracking=tracking_for(app.pk))


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


class ApprovalsMutation(graphene.ObjectType):
    track_application = TrackApplication.Field()
    rate_application = RateApplication.Field()
    rate_service = RateService.Field()
