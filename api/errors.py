"""Typed mutation errors: every mutation answers `errors { field message code }` instead of raising."""

import graphene
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from graphql import GraphQLError


class FieldError(graphene.ObjectType):
    field = graphene.String(description="The input field at fault, or null for the whole request.")
    message = graphene.String(required=True, description="For the user, in their language.")
    code = graphene.String(required=True, description="Stable, for the app's logic.")


def error(message, code, field=None):
    return FieldError(field=field, message=str(message), code=code)


def from_validation_error(exc):
    """Our services raise ValidationError keyed by form field; NON_FIELD_ERRORS becomes a null field."""
    if not hasattr(exc, "error_dict"):
        return [error(item.message % (item.params or {}), item.code or "invalid") for item in exc.error_list]
    errors = []
    for name, items in exc.error_dict.items():
        field = None if name == NON_FIELD_ERRORS else name
        for item in items:
            message = item.message % item.params if item.params else item.message
            errors.append(error(message, item.code or "invalid", field))
    return errors


def unauthenticated():
    return error(_("Log in first."), "unauthenticated")


def not_found(field=None):
    return error(_("Not found."), "not_found", field)


def require_login(info):
    """For queries: anonymous users get a GraphQL error with a code the app can act on."""
    if not info.context.user.is_authenticated:
        raise GraphQLError(_("Log in first."), extensions={"code": "unauthenticated"})
    return info.context.user


class MutationResult:
    """Mixin for mutation payloads: `ok` and the typed `errors`."""

    ok = graphene.Boolean(required=True)
    errors = graphene.List(graphene.NonNull(FieldError), required=True)


def failed(payload_class, *errors):
    return payload_class(ok=False, errors=list(errors))
