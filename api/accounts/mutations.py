import graphene
from django.contrib.auth import logout

from api.accounts.types import AccountResult, Me
from api.core import errors, security
from sms import codes


class RequestCode(AccountResult, graphene.Mutation):
    """Sends a login code by SMS. The answer is the same whether or not the number is registered."""

    class Arguments:
        phone = graphene.String(required=True)

    expires_in = graphene.Int()
    resend_after = graphene.Int()
    retry_after = graphene.Int()

    @classmethod
    def mutate(cls, root, info, phone):
        request = info.context
        if not security.allow_mutation(request, "request_code"):
            return errors.failed(cls, security.rate_limited_error())
        try:
            issued = codes.request_code(phone, security.client_ip(request))
        except codes.CodeError as exc:
            return cls(ok=False, errors=[errors.error(exc.message, exc.code, "phone")], retry_after=exc.retry_after)
        return cls(ok=True, errors=[], expires_in=issued.expires_in, resend_after=issued.resend_after)


class VerifyCode(AccountResult, graphene.Mutation):
    """Logs in with the code: a Django session cookie, as for the web site."""

    class Arguments:
        phone = graphene.String(required=True)
        code = graphene.String(required=True)

    me = graphene.Field(Me)

    @classmethod
    def mutate(cls, root, info, phone, code):
        request = info.context
        if not security.allow_mutation(request, "verify_code"):
            return errors.failed(cls, security.rate_limited_error())
        try:
            user = codes.log_in_with_code(request, phone, code)
        except codes.CodeError as exc:
            return errors.failed(cls, errors.error(exc.message, exc.code, "code"))
        return cls(ok=True, errors=[], me=user)


class Logout(AccountResult, graphene.Mutation):
    @classmethod
    def mutate(cls, root, info):
        logout(info.context)
        return cls(ok=True, errors=[])


class AccountsMutation(graphene.ObjectType):
    request_code = RequestCode.Field()
    verify_code = VerifyCode.Field()
    logout = Logout.Field()
