import graphene
from django.utils.translation import gettext as _

from api.core import errors, security
from api.sms.types import SmsResult
from directory.selectors import cadre_of
from sms.error_codes import SmsErrorCode
from sms.models import SubscriptionChange
from sms.subscriptions import set_subscription


class SetSmsSubscription(SmsResult, graphene.Mutation):
    class Arguments:
        subscribed = graphene.Boolean(required=True)

    subscribed = graphene.Boolean()

    @classmethod
    def mutate(cls, root, info, subscribed):
        request = info.context
        if not request.user.is_authenticated:
            return errors.failed(cls, errors.unauthenticated())
        if not security.allow_mutation(request, "set_sms_subscription"):
            return errors.failed(cls, security.rate_limited_error())
        cadre = cadre_of(request.user)
        if cadre is None:
            message = _("Only registered cadres receive integrity SMS.")
            return errors.failed(cls, errors.error(message, SmsErrorCode.UNKNOWN_CADRE))
        set_subscription(cadre, subscribed, source=SubscriptionChange.Source.APP, by=request.user)
        return cls(ok=True, errors=[], subscribed=cadre.sms_opt_in)


class SmsMutation(graphene.ObjectType):
    set_sms_subscription = SetSmsSubscription.Field()
