"""The cadre's own SMS subscription, switched in the app (the mainland has no two-way SMS for STOP)."""

import graphene
from django.utils.translation import gettext as _

from api import errors, security
from directory.models import Cadre
from sms.models import SubscriptionChange
from sms.subscriptions import set_subscription


class SetSmsSubscription(errors.MutationResult, graphene.Mutation):
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
        cadre = Cadre.objects.filter(user=request.user).first()
        if cadre is None:
            return errors.failed(cls, errors.error(_("Only registered cadres receive integrity SMS."), "not_a_cadre"))
        set_subscription(cadre, subscribed, source=SubscriptionChange.Source.APP, by=request.user)
        return cls(ok=True, errors=[], subscribed=cadre.sms_opt_in)


class SmsMutation(graphene.ObjectType):
    set_sms_subscription = SetSmsSubscription.Field()
