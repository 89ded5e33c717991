"""Limits of /graphql/: body size, depth, number of fields, cost (api/core/cost.py), introspection, and mutation
rate limits."""

import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphql import (
    GraphQLError,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLResolveInfo,
    Undefined,
    get_nullable_type,
)
from graphql.validation import ASTValidationRule, ValidationContext, ValidationRule, specified_rules, validate

from api.core.cost import cost_limit_rule
from api.core.errors import Error, error
from core.client import client_address
from core.error_codes import CommonErrorCode
from core.ratelimit import hashed_ip, increment, window_bucket

RATE_WINDOW = 60  # seconds


def field_limit_rule(max_fields: int) -> type[ValidationRule]:
    """A cheap complexity bound: the number of fields selected in the document, fragments included."""

    class FieldLimit(ValidationRule):
        def __init__(self, context):
            super().__init__(context)
            self.count = 0
            self.reported = False

        def enter_field(self, node, *_args):
            self.count += 1
            if self.count > max_fields and not self.reported:
                self.reported = True
                self.report_error(
                    GraphQLError(
                        _("The query selects more than %(max)d fields. Ask for less at once.") % {"max": max_fields},
                        node,
                        extensions={"code": "too_complex"},
                    )
                )

    return FieldLimit


# graphene's depth rule words its refusal in English only: "'name' exceeds maximum operation depth of 10."
DEPTH_REFUSAL = re.compile(r"exceeds maximum operation depth of (\d+)")


def _in_our_words(found: GraphQLError) -> GraphQLError:
    match = DEPTH_REFUSAL.search(found.message)
    if match is None:
        return found
    return GraphQLError(
        _("The query is nested more than %(max)d levels deep (depth limit). Ask for less at once.")
        % {"max": int(match[1])},
        found.nodes,
        extensions={"code": "too_deep"},
    )


def guarded_rule(custom: list[type[ASTValidationRule]]) -> type[ValidationRule]:
    """The spec's rules first, and our own only on a document they accept.

    Our rules follow fragment spreads (depth, cost); on a document whose fragments spread each other in a cycle,
    or name a fragment that does not exist, they would recurse forever or fail. The spec's rules reject such a
    document with a clear message, and then ours never see it.
    """

    class Guarded(ValidationRule):
        def __init__(self, context: ValidationContext):
            super().__init__(context)
            self.found = validate(context.schema, context.document, specified_rules) or validate(
                context.schema, context.document, custom
            )

        def enter_document(self, *_args: Any) -> None:
            for found in self.found:
                self.report_error(_in_our_words(found))

    return Guarded


def validation_rules(variables: dict[str, Any] | None = None) -> list[type[ASTValidationRule]]:
    """Read per request, so that a settings change (or a test's override) takes effect without a restart.

    graphql-core runs only the rules it is given: the standard ones are named too (inside ``guarded_rule``), or an
    unknown field or a wrong argument type would pass validation unchecked.
    """
    custom = [
        depth_limit_validator(max_depth=settings.GRAPHQL_MAX_DEPTH),
        field_limit_rule(settings.GRAPHQL_MAX_FIELDS),
        cost_limit_rule(settings.GRAPHQL_MAX_COST, variables if isinstance(variables, dict) else None),
    ]
    if not settings.DEBUG:
        # The schema is no secret (the app ships it), but introspection makes probing cheap; developers have DEBUG.
        custom.append(DisableIntrospection)
    return [guarded_rule(custom)]


def client_ip(request: HttpRequest) -> str:
    """The client's address behind trusted proxies (core.client), for rate limits only."""
    return client_address(request)


def _bucket_key(kind: str, ident: object, name: str) -> str:
    bucket, _ends = window_bucket(time.time(), RATE_WINDOW)
    return f"api:rate:{name}:{kind}:{ident}:{bucket}"


def _hit(key: str, allowed: int) -> bool:
    """Count one request in a fixed window; False once the window is full.

    Fails open (core/ratelimit.py): the operations that cost or guard something (SMS codes, receipts) keep their
    own limits, which fail closed; this one must not turn away a complaint or an application during an outage.
    """
    return increment(key, RATE_WINDOW, fail_open=True) <= allowed


def allow_mutation(request: HttpRequest, name: str) -> bool:
    """Per-user and per-address limits on mutations. The address appears only as an HMAC inside a cache key."""
    digest = hashed_ip("api.rate.ip", client_ip(request))
    if not _hit(_bucket_key("ip", digest, name), settings.GRAPHQL_MUTATIONS_PER_MINUTE_IP):
        return False
    user = request.user
    if user.is_authenticated:
        return _hit(_bucket_key("user", user.pk, name), settings.GRAPHQL_MUTATIONS_PER_MINUTE_USER)
    return True


def rate_limited_error() -> Error:
    return error(_("Too many requests. Wait a minute and try again."), CommonErrorCode.RATE_LIMITED)


# A database key as the API hands it out: digits only, short enough for a 64-bit integer column.
ID_PATTERN = re.compile(r"[0-9]{1,18}")


def _bad_text(value: str) -> bool:
    """NUL, which PostgreSQL refuses in text, or a lone surrogate, which no database can encode."""
    return "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value)


def argument_problem(type_: GraphQLInputType, value: Any) -> str | None:
    """Why an argument value may not reach a resolver ('id' or 'text'), or None. Walks lists and input objects."""
    if value is None:
        return None
    type_ = get_nullable_type(type_)
    if isinstance(type_, GraphQLList):
        return next((p for item in value if (p := argument_problem(type_.of_type, item))), None)
    if isinstance(type_, GraphQLInputObjectType):
        return next(
            (
                p
                for name, field in type_.fields.items()
                if (p := argument_problem(field.type, value.get(field.out_name or name)))
            ),
            None,
        )
    if type_ is GraphQLID and not ID_PATTERN.fullmatch(str(value)):
        return "id"
    if isinstance(value, str) and _bad_text(value):
        return "text"
    return None


class ArgumentGuard:
    """Graphene middleware: every argument of every field is checked here, once, before any resolver reads it, so
    that no resolver has to defend itself against an ID that is not a key, text with NUL in it, or a null in place
    of its default."""

    def resolve(self, next_: Callable[..., Any], root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        if args:
            definitions = info.parent_type.fields[info.field_name].args
            for name, definition in definitions.items():
                key = definition.out_name or name
                if args.get(key, Undefined) is None and definition.default_value not in (Undefined, None):
                    # An explicit null where the schema has a default (`note: null`) reached resolvers written for
                    # the default ("" [:500] raised TypeError): null means "not given", as it does for the app.
                    args[key] = definition.default_value
                problem = argument_problem(definition.type, args.get(key))
                if problem == "id":
                    raise GraphQLError(
                        _("“%(argument)s” is not a valid ID.") % {"argument": name}, extensions={"code": "invalid"}
                    )
                if problem == "text":
                    raise GraphQLError(
                        _("“%(argument)s” contains characters that are not allowed (control characters).")
                        % {"argument": name},
                        extensions={"code": "invalid"},
                    )
        return next_(root, info, **args)
