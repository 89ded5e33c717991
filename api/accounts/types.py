"""The logged-in user's own data (`me`): profile, reading history, study record; the accounts error type."""

import graphene
from django.core.paginator import Paginator

from api.core.errors import error_type, mutation_result
from api.core.pagination import PageInfo, clamp_page_size, page_of
from cms import selectors as cms_selectors
from core.people import display_name
from directory.selectors import cadre_of
from sms.error_codes import SmsErrorCode

STUDY_DAYS = 30

# Login codes come from sms.codes: the common codes plus SMS's own (invalid_phone, invalid_code...).
AccountErrorCode, AccountError = error_type("AccountError", SmsErrorCode)
AccountResult = mutation_result(AccountError)


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


def _cadre(user):
    # Cached on the user object for the request: `me` asks for it from several fields.
    if not hasattr(user, "_api_cadre"):
        user._api_cadre = cadre_of(user)
    return user._api_cadre


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
        return display_name(user, _cadre(user))

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
        records = cms_selectors.reading_history(_cadre(user))
        items, page_info = page_of(Paginator(records, clamp_page_size(page_size)), page)
        return ReadingHistory(items=items, page_info=page_info)

    @staticmethod
    def resolve_study_record(user, info):
        return [StudyDay(**row) for row in cms_selectors.reads_per_day(_cadre(user), STUDY_DAYS)]
