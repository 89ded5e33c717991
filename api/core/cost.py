"""What a GraphQL document costs to answer, before it runs: field weights, multiplied by aliases and list sizes.

The field limit (api/core/security.py) counts selections, but one selection of ``search`` runs a search: 140
aliased ``search`` fields in a 7 KB request would run 140 searches. Here every field costs its weight (1, or more
for the fields that search, rank or list pages: ``WEIGHTS``), and everything selected under a list costs as many
times as the list may be long: the value of its size argument (``first``, ``limit``, ``pageSize``; a variable's
value as sent), else ``DEFAULT_LIST_SIZE``, never more than ``MAX_LIST_SIZE``. Aliases are separate fields, and
fragments count where they are spread. A document over ``settings.GRAPHQL_MAX_COST`` is refused with a message
naming the limit.

The walk runs only on documents the spec's rules accepted (``guarded_rules`` in security.py): fragments are then
known and acyclic, so it cannot recurse forever.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.validation import ValidationContext, ValidationRule

# The fields that do more than read a row: full-text search, rankings computed over every cadre, page trees.
WEIGHTS = {
    "search": 200,
    "leaderboard": 30,
    "studyRanking": 30,
    "approvalItems": 20,
    "publicCases": 10,
    "pages": 10,
    "section": 10,
    "board": 5,
    "topic": 5,
    "myPoints": 5,
}
# Any field given one of these arguments searches, whatever it is called (``pages(searchQuery: ...)``).
SEARCH_ARGUMENTS = {"searchQuery": 200, "search": 20}
SIZE_ARGUMENTS = ("first", "limit", "pageSize")
DEFAULT_LIST_SIZE = 10  # a list without a size argument: the server bounds it (sections, a page of hits)
MAX_LIST_SIZE = 100


def _list_size(node: FieldNode, variables: dict[str, Any]) -> int | None:
    """The size a field's argument asks for, within bounds; None when it has no size argument."""
    for argument in node.arguments or ():
        if argument.name.value not in SIZE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            size = int(value.value)
        elif isinstance(value, VariableNode) and isinstance(variables.get(value.name.value), int):
            size = variables[value.name.value]
        else:
            size = DEFAULT_LIST_SIZE
        return max(1, min(size, MAX_LIST_SIZE))
    return None


class _Walk:
    def __init__(self, context: ValidationContext, variables: dict[str, Any]):
        self.context = context
        self.variables = variables

    def selections(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, times: int, size: int | None = None
    ) -> int:
        """The cost of a selection set met `times` times; `size` is the length its lists were asked for (by an
        argument of the field above: `leaderboard(limit: 50) { individuals { ... } }`)."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, times, size)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.context.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, target or parent, times, size)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    target = self.context.schema.get_type(fragment.type_condition.name.value)
                    total += self.selections(fragment.selection_set, target or parent, times, size)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, times: int, size: int | None) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        definition = fields.get(name)
        weight = WEIGHTS.get(name, 1) + sum(
            SEARCH_ARGUMENTS.get(argument.name.value, 0) for argument in node.arguments or ()
        )
        cost = weight * times
        if definition is None or node.selection_set is None:
            return cost
        asked = _list_size(node, self.variables)
        named = get_named_type(definition.type)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            return cost + self.selections(node.selection_set, named, times * (asked or size or DEFAULT_LIST_SIZE))
        # An object sized by its argument (a listing, a leaderboard): the lists inside it are that long.
        return cost + self.selections(node.selection_set, named, times, asked)


def operation_cost(context: ValidationContext, operation: OperationDefinitionNode, variables: dict[str, Any]) -> int:
    schema = context.schema
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    return _Walk(context, variables).selections(operation.selection_set, root, 1) if root else 0


def cost_limit_rule(max_cost: int, variables: dict[str, Any] | None = None) -> type[ValidationRule]:
    class CostLimit(ValidationRule):
        # On leaving: the plainer limits (depth, number of fields) speak first about the same document.
        def leave_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            cost = operation_cost(self.context, node, variables or {})
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        _(
                            "The query costs %(cost)d, over the limit of %(max)d per request (searches, rankings "
                            "and long lists cost more). Ask for less at once."
                        )
                        % {"cost": cost, "max": max_cost},
                        node,
                        extensions={"code": "too_costly", "cost": cost, "maxCost": max_cost},
                    )
                )

    return CostLimit


def default_max_cost() -> int:
    return settings.GRAPHQL_MAX_COST
