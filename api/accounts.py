"""Phone login (SMS code, Django session), logout and the logged-in user's own data (`me`)."""

import graphene
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.db.models import Count
from django.utils import timezone

from api import errors, security
from api.pagination import PageInfo, clamp_page_size, page_of
from cms.models import ReadRecord
from directory.models import Cadre
from directory.services import user_for_cadre
from sms import codes

STUDY_DAYS = 30


class ReadItem(graphene.ObjectType):
    page_id = graphene.ID(required=True)
    title = graphene.String(required=True)
    url = graphene.String()
    day = graphene.Date(required=True)
    read_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_page_id(record, info):
        return record.page_id

    @staticmethod
    def resolve_title(record, info):
        return record.page.title

    @staticmethod
    def resolve_url(record, info):
        return record.page.get_url(info.context)


class ReadingHistory(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(ReadItem), required=True)
    page_info = graphene.Field(PageInfo, required=True)


class StudyDay(graphene.ObjectType):
    day = graphene.Date(required=True)
    reads = graphene.Int(required=True)


class Me(graphene.ObjectType):
    username = graphene.String(required=True)
    name = graphene.String(required=True)
    is_cadre = graphene.Boolean(required=True)
    department = graphene.String()
    post = graphene.String()
    sms_subscribed = graphene.Boolean(description="Null for a user who is not a registered cadre.")
    reading_history = graphene.Field(
        ReadingHistory, page=graphene.Int(default_value=1), page_size=graphene.Int(), required=True
    )
    study_record = graphene.List(
        graphene.NonNull(StudyDay), required=True, description=f"Pages read per day, the last {STUDY_DAYS} days."
    )

    @staticmethod
    def resolve_username(user, info):
        return user.get_username()

    @staticmethod
    def resolve_name(user, info):
        cadre = _cadre(user)
        return cadre.name if cadre else (user.get_full_name() or user.get_username())

    @staticmethod
    def resolve_is_cadre(user, info):
        return _cadre(user) is not None

    @staticmethod
    def resolve_department(user, info):
        cadre = _cadre(user)
        return str(cadre.department) if cadre else None

    @staticmethod
    def resolve_post(user, info):
        cadre = _cadre(user)
        return cadre.post if cadre else None

    @staticmethod
    def resolve_sms_subscribed(user, info):
        cadre = _cadre(user)
        return cadre.sms_opt_in if cadre else None

    @staticmethod
    def resolve_reading_history(user, info, page=1, page_size=None):
        cadre = _cadre(user)
        records = ReadRecord.objects.none() if cadre is None else cadre.reads.select_related("page")
        items, page_info = page_of(Paginator(records.order_by("-read_at", "-pk"), clamp_page_size(page_size)), page)
        return ReadingHistory(items=items, page_info=page_info)

    @staticmethod
    def resolve_study_record(user, info):
        cadre = _cadre(user)
        if cadre is None:
            return []
        since = timezone.localdate() - timezone.timedelta(days=STUDY_DAYS - 1)
        rows = cadre.reads.filter(day__gte=since).values("day").annotate(reads=Count("pk")).order_by("day")
        return [StudyDay(day=row["day"], reads=row["reads"]) for row in rows]


def _cadre(user):
    # Cached on the user object for the request: `me` asks for it from several fields.
    if not hasattr(user, "_api_cadre"):
        user._api_cadre = Cadre.objects.select_related("department").filter(user=user).first()
    return user._api_cadre


class AccountsQuery(graphene.ObjectType):
    me = graphene.Field(Me, description="The logged-in user; an `unauthenticated` error for anonymous users.")

    @staticmethod
    def resolve_me(root, info):
        return errors.require_login(info)


class RequestCode(errors.MutationResult, graphene.Mutation):
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


class VerifyCode(errors.MutationResult, graphene.Mutation):
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
            cadre = codes.verify_code(phone, code)
        except codes.CodeError as exc:
            return errors.failed(cls, errors.error(exc.message, exc.code, "code"))
        user = user_for_cadre(cadre)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return cls(ok=True, errors=[], me=user)


class Logout(errors.MutationResult, graphene.Mutation):
    @classmethod
    def mutate(cls, root, info):
        logout(info.context)
        return cls(ok=True, errors=[])


class AccountsMutation(graphene.ObjectType):
    request_code = RequestCode.Field()
    verify_code = VerifyCode.Field()
    logout = Logout.Field()
