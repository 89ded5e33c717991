"""The /graphql/ endpoint (CSRF-protected, session auth) and /api/csrf/ for the app to fetch its token."""

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast, validate, validate_schema

from api.core import documents, persisted, security
from core import refusals
from core.outage import outage_cause

logger = logging.getLogger(__name__)


def GENERIC_ERROR() -> str:  # noqa: N802 - reads like the constant it is, but translated per request
    return _("Something went wrong on our side. Please try again later.")


class QingfengGraphQLView(GraphQLView):
    """graphene-django's view with our limits; never a stack trace or an internal message in an answer."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.graphiql = settings.DEBUG
        declared = refusals.declared_length(request)
        # The declared length first: a body of megabytes is refused before it is read (and, earlier, by
        # core.refusals.ApiRefusalMiddleware; this check also holds for the view called alone).
        if request.method == "POST":
            length = declared if declared > settings.GRAPHQL_MAX_BODY_BYTES else len(request.body)
        else:
            length = len(request.META.get("QUERY_STRING", ""))
        if length > settings.GRAPHQL_MAX_BODY_BYTES:
            return refusals.too_large(request, settings.GRAPHQL_MAX_BODY_BYTES)
        if request.method == "GET" and not self.graphiql:
            # graphene-django decorates dispatch with ensure_csrf_cookie: a new token and a Set-Cookie on every
            # anonymous answer. A query by GET needs no token (only POST is checked), and the app fetches its
            # token from /api/csrf/ before a mutation; without the cookie an answer is the same for every client.
            response = GraphQLView.dispatch.__wrapped__(self, request, *args, **kwargs)
        else:
            response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 405 and request.method == "GET":
            # A mutation sent by GET: a client mistake like any other, answered 400 with graphene's message.
            response.status_code = 400
        return response

    def execute_graphql_request(
        self, request: HttpRequest, data: dict, query: Any, variables: Any, *args: Any, **kwargs: Any
    ) -> ExecutionResult | None:
        if (
            settings.GRAPHQL_PERSISTED_ONLY
            and isinstance(query, str)
            and not request.user.is_authenticated
            and not persisted.is_allowed(query)
        ):
            # Anonymous clients send only what the app ships (api/core/persisted.py); signed-in users get it all.
            message = _("This request is not one the app sends. Sign in to use the rest of the API.")
            return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": "not_persisted"})])
        result = self._execute(request, query, variables, *args, **kwargs)
        # graphql-core catches what a resolver raises; an unreachable database or cache must still be a 503 with
        # Retry-After (core/outage.py), not a 200 carrying an internal error.
        for error in getattr(result, "errors", None) or ():
            cause = outage_cause(getattr(error, "original_error", None))
            if cause is not None:
                raise cause
        return result

    def _execute(
        self, request: HttpRequest, query: Any, variables: Any, operation_name: Any, show_graphiql: bool = False
    ) -> ExecutionResult | None:
        """graphene-django's execute_graphql_request, with the document parsed and validated once per process
        (api/core/documents.py). Mutations are not atomic here (ATOMIC_MUTATIONS is off): each service opens its
        own transaction."""
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest(_("Must provide query string.")))
        schema = self.schema.graphql_schema
        schema_errors = validate_schema(schema)
        if schema_errors:
            return ExecutionResult(data=None, errors=schema_errors)
        try:
            document = documents.parsed(query)
        except Exception as exc:  # noqa: BLE001 - as graphene-django: a document that does not parse is an error
            return ExecutionResult(errors=[exc])
        operation = get_operation_ast(document, operation_name)
        if request.method == "GET" and operation is not None and operation.operation != OperationType.QUERY:
            if show_graphiql:
                return None
            raise HttpError(
                HttpResponseNotAllowed(["POST"], _("Only queries may be sent by GET: send this request by POST."))
            )
        if not documents.known_valid(query, variables):
            # The cost of a list sized by a variable ($first) depends on the value sent (api/core/cost.py).
            rules = security.validation_rules(variables)
            errors = validate(schema, document, rules, graphene_settings.MAX_VALIDATION_ERRORS)
            if errors:
                return ExecutionResult(data=None, errors=errors)
            documents.remember_valid(query, variables)
        try:
            return execute(
                schema,
                document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                middleware=self.get_middleware(request),
                execution_context_class=self.execution_context_class,
            )
        except Exception as exc:  # noqa: BLE001 - as graphene-django: any failure is an error (format_error)
            return ExecutionResult(errors=[exc])

    @staticmethod
    def get_graphql_params(request: HttpRequest, data: dict) -> tuple[Any, Any, Any, Any]:
        """graphene-django passes on whatever JSON it is sent: a list of variables or a numeric query reached
        graphql-core, which raised on it. The request's shape is checked here, once."""
        query, variables, operation_name, id_ = GraphQLView.get_graphql_params(request, data)
        if query is not None and not isinstance(query, str):
            raise HttpError(HttpResponseBadRequest(_("The query must be a string.")))
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(HttpResponseBadRequest(_("Variables must be a JSON object.")))
        if operation_name is not None and not isinstance(operation_name, str):
            raise HttpError(HttpResponseBadRequest(_("The operation name must be a string.")))
        return query, variables, operation_name, id_

    def get_middleware(self, request: HttpRequest) -> list:
        return [security.ArgumentGuard(), *(super().get_middleware(request) or [])]

    @staticmethod
    def format_error(error: Exception) -> dict[str, Any]:
        if isinstance(error, GraphQLError):
            original = error.original_error
            if original is None or isinstance(original, GraphQLError):
                return error.formatted
            logger.error("GraphQL resolver failed at %s", error.path, exc_info=original)
            return {
                "message": GENERIC_ERROR(),
                "path": error.path,
                "extensions": {"code": "internal_error"},
            }
        # graphene-django's own HttpError (malformed JSON, missing query): its message is meant for the client.
        if isinstance(error, HttpError):
            code = "method_not_allowed" if error.response.status_code == 405 else "bad_request"
            return {"message": str(error), "extensions": {"code": code}}
        logger.error("GraphQL request failed", exc_info=error)
        return {"message": GENERIC_ERROR(), "extensions": {"code": "internal_error"}}


@never_cache
@require_GET
def csrf(request: HttpRequest) -> JsonResponse:
    """Sets the csrftoken cookie and returns the token, for the X-CSRFToken header of later POSTs."""
    return JsonResponse({"csrfToken": get_token(request)})
