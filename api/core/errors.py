"""Typed mutation errors: every mutation answers `errors { field message code }` instead of raising.

`code` is a GraphQL enum per domain (Saleor's style): ``error_type("ApprovalError", ApprovalErrorCode)`` builds the
enum `ApprovalErrorCode` from core.error_codes.CommonErrorCode plus the app's own enum, and the object type
`ApprovalError` that carries it. The enum is read from the Python enums when the schema is built, so a member an
app adds appears in the API without a change here. The answer names the member (`RATE_LIMITED`); a code no enum
of the domain knows (a library validator's own) is answered as `INVALID` (core.error_codes.code_of).

Queries keep raising a GraphQLError with ``extensions.code`` (`unauthenticated`, `rate_limited`, `invalid`): those
are request-level errors, not a payload's, and keep their lowercase values.
"""

from dataclasses import dataclass
from enum import StrEnum

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from graphql import GraphQLError

from core.error_codes import CommonErrorCode, code_of


@dataclass(frozen=True)
class Error:
    """One refusal as resolvers build it; the domain's error type turns `code` into its enum."""

    message: str
    code: str
    field: str | None = None


def error(message: str, code: str, field: str | None = None) -> Error:
    return Error(message=str(message), code=str(code or CommonErrorCode.INVALID), field=field)


def from_validation_error(exc: ValidationError) -> list[Error]:
    """Our services raise ValidationError keyed by form field; NON_FIELD_ERRORS becomes a null field."""
    if not hasattr(exc, "error_dict"):
        return [error(item.message % (item.params or {}), item.code) for item in exc.error_list]
    errors = []
    for name, items in exc.error_dict.items():
        field = None if name == NON_FIELD_ERRORS else name
        for item in items:
            message = item.message % item.params if item.params else item.message
            errors.append(error(message, item.code, field))
    return errors


def unauthenticated() -> Error:
    return error(_("Log in first."), CommonErrorCode.UNAUTHENTICATED)


def not_found(field: str | None = None) -> Error:
    return error(_("Not found."), CommonErrorCode.NOT_FOUND, field)


def permission_denied() -> Error:
    return error(_("You may not do this."), CommonErrorCode.PERMISSION_DENIED)


def require_login(info: graphene.ResolveInfo):
    """For queries: anonymous users get a GraphQL error with a code the app can act on."""
    if not info.context.user.is_authenticated:
        raise GraphQLError(_("Log in first."), extensions={"code": "unauthenticated"})
    return info.context.user


def error_members(*enums: type[StrEnum]) -> dict[str, str]:
    """Name to value of CommonErrorCode and `enums`, in that order; a name or value met twice is kept once."""
    members: dict[str, str] = {}
    for enum in (CommonErrorCode, *enums):
        for member in enum:
            if member.name not in members and member.value not in members.values():
                members[member.name] = member.value
    return members


def error_type(name: str, *enums: type[StrEnum]) -> tuple[type[graphene.Enum], type[graphene.ObjectType]]:
    """The code enum `<name>Code` and the object type `<name>` of one domain's mutation errors."""
    code_enum = graphene.Enum(f"{name}Code", list(error_members(*enums).items()))

    def resolve_code(error: Error, info: graphene.ResolveInfo) -> str:
        # The member's name: graphene finds the enum member by it whatever the value.
        return code_of(error.code, *enums).name

    error_class = type(
        name,
        (graphene.ObjectType,),
        {
            "__doc__": f"Why a mutation refused; `code` is one of {name}Code.",
            "field": graphene.String(description="The input field at fault, or null for the whole request."),
            "message": graphene.String(required=True, description="For the user, in their language."),
            "code": graphene.Field(code_enum, required=True, description="Stable, for the app's logic."),
            "resolve_code": staticmethod(resolve_code),
        },
    )
    return code_enum, error_class


def mutation_result(error_class: type[graphene.ObjectType]) -> type:
    """A mixin for one domain's mutation payloads: `ok` and the typed `errors`."""
    return type(
        f"{error_class.__name__}Result",
        (),
        {
            "ok": graphene.Boolean(required=True),
            "errors": graphene.List(graphene.NonNull(error_class), required=True),
        },
    )


def failed(payload_class: type, *errors: Error):
    return payload_class(ok=False, errors=list(errors))
