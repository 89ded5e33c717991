import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from api.approvals.types import ApprovalResult, Tracking
from api.core import errors, security
from approvals import services
from approvals.tracking import grant_tracking, tracking_for
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


class ApprovalsMutation(graphene.ObjectType):
    track_application = TrackApplication.Field()
    rate_application = RateApplication.Field()
