"""Fuzzing /graphql/ from its own schema: valid and invalid operations, literal and variable arguments, three
audiences. Never a 500, never an `internal_error` (a resolver that raised), always JSON with data or errors."""

import json

import graphql
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from api.schema import schema as graphene_schema
from tests.fuzz import strategies as hostile
from tests.fuzz.conftest import AUDIENCES, FUZZ, fail, send

SCHEMA = graphql.build_schema(str(graphene_schema))
QUERY_FIELDS = list(SCHEMA.query_type.fields)
MUTATION_FIELDS = [name for name in SCHEMA.mutation_type.fields if name != "logout"]


def _string_node(text):
    return nodes.String(text)


# IDs: mostly the small primary keys of the seed data (so cases reach real rows), also hostile ones.
ID_VALUES = st.one_of(
    st.integers(min_value=1, max_value=12).map(str),
    hostile.numbers(),
    hostile.texts(20),
)
CUSTOM_SCALARS = {
    "ID": st.one_of(ID_VALUES.map(_string_node), st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int)),
    "PositiveInt": st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int),
    "DateTime": hostile.texts(30).map(_string_node),
    "Date": st.one_of(st.dates().map(lambda d: nodes.String(d.isoformat())), hostile.texts(20).map(_string_node)),
    "UUID": st.one_of(st.uuids().map(lambda u: nodes.String(str(u))), hostile.texts(20).map(_string_node)),
    "JSONString": hostile.json_values().map(lambda v: nodes.String(json.dumps(v))),
    "RichText": hostile.texts(30).map(_string_node),
}


def operations(fields, mode=Mode.POSITIVE):
    return from_schema(SCHEMA, fields=fields, custom_scalars=CUSTOM_SCALARS, mode=mode, codec=None)


def check(target, client, body):
    response, text = send(
        target, lambda: client.post("/graphql/", body, content_type="application/json", HTTP_ACCEPT="application/json")
    )
    try:
        answer = json.loads(text)
    except ValueError:
        fail(target, f"HTTP {response.status_code} with a body that is not JSON")
    if not isinstance(answer, dict) or not ({"data", "errors"} & answer.keys()):
        fail(target, "JSON without data or errors")
    for error in answer.get("errors") or []:
        if (error.get("extensions") or {}).get("code") == "internal_error":
            fail(target, f"internal_error at {error.get('path')}")
        # graphql-core's own words when a resolver returned what its type does not allow: a server bug too (only
        # during execution, which has a path: validation says "Expected value of type" of bad arguments).
        message = str(error.get("message", ""))
        if error.get("path") and message.startswith(("Expected value of type", "Cannot return null for non-nullable")):
            fail(target, f"{message[:60]} at {error.get('path')}")
    return answer


@pytest.mark.django_db
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("kind, fields", [("queries", QUERY_FIELDS), ("mutations", MUTATION_FIELDS)])
def test_operations_from_the_schema(clients, audience, kind, fields):
    @FUZZ
    @given(query=operations(fields))
    def run(query):
        check(f"graphql {kind} ({audience})", clients[audience], hostile.json_body({"query": query}))

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("audience", ["anonymous", "cadre"])
def test_invalid_operations(clients, audience):
    """One schema violation each (wrong argument type, missing argument, unknown enum value): rejected cleanly."""

    @FUZZ
    @given(query=operations(QUERY_FIELDS + MUTATION_FIELDS, mode=Mode.NEGATIVE))
    def run(query):
        check(f"graphql invalid operations ({audience})", clients[audience], hostile.json_body({"query": query}))

    run()


def _with_variables(root, name):
    """`mutation($a: T!, ...) { name(a: $a, ...) { __typename } }`: every argument as a variable."""
    field = root.fields[name]
    declared = ", ".join(f"${arg}: {type_}" for arg, type_ in ((a, f.type) for a, f in field.args.items()))
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    kind = "mutation" if root is SCHEMA.mutation_type else "query"
    head = f"{kind}({declared})" if declared else kind
    call = f"{name}({passed})" if passed else name
    return f"{head} {{ {call}{_selection(field.type)} }}", {arg: f.type for arg, f in field.args.items()}


def _selection(type_, depth=0):
    """The first leaf field reachable (`__typename` would count as introspection, which is disabled)."""
    named = graphql.get_named_type(type_)
    if isinstance(named, graphql.GraphQLScalarType | graphql.GraphQLEnumType):
        return ""
    fields = [
        (name, f)
        for name, f in named.fields.items()
        if not any(graphql.is_required_argument(a) for a in f.args.values())
    ]
    for name, field in fields:
        if isinstance(graphql.get_named_type(field.type), graphql.GraphQLScalarType | graphql.GraphQLEnumType):
            return f" {{ {name} }}"
    if depth < 3:
        for name, field in fields:
            return f" {{ {name}{_selection(field.type, depth + 1)} }}"
    raise ValueError(f"no leaf field under {named}")


VARIABLE_OPERATIONS = [
    _with_variables(root, name)
    for root in (SCHEMA.query_type, SCHEMA.mutation_type)
    for name, field in root.fields.items()
    if field.args and name != "logout"
]


def plausible(type_):
    """A value of the declared type, with hostile contents where the type allows any."""
    type_ = graphql.get_nullable_type(type_)
    if isinstance(type_, graphql.GraphQLList):
        return st.lists(plausible(type_.of_type), max_size=4)
    if isinstance(type_, graphql.GraphQLEnumType):
        return st.sampled_from(list(type_.values))
    name = type_.name
    if name == "Boolean":
        return st.booleans()
    if name in ("Int", "PositiveInt"):
        return st.one_of(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**80), 2**80))
    if name == "ID":
        return st.one_of(ID_VALUES, st.integers(-(2**70), 2**70))
    return hostile.texts()


@st.composite
def variable_cases(draw):
    """A known operation with JSON variables: the declared types with hostile values, wrong types, missing and
    extra variables, nested objects where a scalar is expected."""
    query, arguments = draw(st.sampled_from(VARIABLE_OPERATIONS))
    values = {}
    for name, type_ in arguments.items():
        choice = draw(st.integers(0, 9))
        if choice <= 6:
            values[name] = draw(plausible(type_))
        elif choice == 7:
            values[name] = draw(hostile.json_values())
        # else: left out
    values.update(draw(st.dictionaries(hostile.texts(10), hostile.json_values(3), max_size=2)))
    wrapper = draw(st.sampled_from(["dict", "dict", "dict", "string", "list", "null"]))
    if wrapper == "string":
        return {"query": query, "variables": json.dumps(values)}
    if wrapper == "list":
        return {"query": query, "variables": list(values.values())}
    if wrapper == "null":
        return {"query": query, "variables": None}
    return {"query": query, "variables": values}


@pytest.mark.django_db
@pytest.mark.parametrize("audience", AUDIENCES)
def test_variables(clients, audience):
    @FUZZ
    @given(body=variable_cases())
    def run(body):
        check(f"graphql variables ({audience})", clients[audience], hostile.json_body(body))

    run()


@st.composite
def raw_bodies(draw):
    """Bodies that are not a GraphQL request at all, or barely: the view answers 400 with an error."""
    return draw(
        st.one_of(
            hostile.json_values().map(hostile.json_body),
            st.builds(lambda q: hostile.json_body({"query": q}), hostile.texts(200)),
            st.builds(
                lambda q, op: hostile.json_body({"query": q, "operationName": op}),
                st.sampled_from(["query A { me { username } } query B { home { title } }", "{ me { username } }"]),
                hostile.json_values(2),
            ),
            st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
        )
    )


@pytest.mark.django_db
def test_raw_bodies(clients):
    @FUZZ
    @given(body=raw_bodies())
    def run(body):
        client = clients["anonymous"]
        response, text = send(
            "graphql raw bodies",
            lambda: client.post("/graphql/", body.encode("utf-8", "surrogatepass"), content_type="application/json"),
        )
        if response.status_code == 200:
            check("graphql raw bodies", client, body)

    run()


@st.composite
def rule_violations(draw):
    """Documents the spec's validation rules reject: fragments spreading each other in a cycle (of any length,
    through fields and inline fragments), unknown fragments, duplicate operation, fragment and variable names,
    variables of unknown or mismatched types, undefined and unused variables."""
    names = [f"F{i}" for i in range(draw(st.integers(1, 5)))]
    kind = draw(
        st.sampled_from(["cycle", "unknown", "duplicate_fragment", "duplicate_operation", "variables", "mixed"])
    )
    fragments = []
    if kind in ("cycle", "mixed"):
        for i, name in enumerate(names):
            following = names[(i + 1) % len(names)]
            spread = draw(
                st.sampled_from(
                    [f"...{following}", f"... on Query {{ ...{following} }}", f"home {{ title }} ...{following}"]
                )
            )
            fragments.append(f"fragment {name} on Query {{ {spread} }}")
    elif kind == "duplicate_fragment":
        fragments = [f"fragment {names[0]} on Query {{ home {{ title }} }}"] * 2
    body = draw(st.sampled_from([f"...{names[0]}", "...Missing", f"...{names[0]} ...Missing", "home { title }"]))
    if kind == "unknown":
        body = f"...{draw(st.sampled_from(['Missing', 'F' + 'x' * 40, names[0]]))}"
    variables = ""
    if kind in ("variables", "mixed"):
        variables = draw(
            st.sampled_from(
                [
                    "($q: Strin!)",
                    "($q: String!, $q: Int)",
                    "($q: [Int!]!)",
                    "($q: Boolean)",
                    "($q: ComplaintInput)",
                    "($q: Query)",
                    "($q: String = 3)",
                ]
            )
        )
        body = draw(st.sampled_from(["search(query: $q) { total }", "search(query: $undefined) { total }", body]))
    operation = f"query Op{variables} {{ {body} }}"
    if kind == "duplicate_operation":
        operation = f"{operation} {operation}"
    parts = [operation, *fragments]
    return " ".join(draw(st.permutations(parts)))


@pytest.mark.django_db
@pytest.mark.parametrize("audience", ["anonymous", "staff"])
def test_documents_the_validation_rules_reject(clients, audience):
    """Never a 500, whatever the validation rules find: the spec's rules answer, ours never crash."""

    @FUZZ
    @given(query=rule_violations(), operation=st.sampled_from([None, "Op", "Missing"]))
    def run(query, operation):
        body = {"query": query, "variables": {"q": "廉政"}}
        if operation:
            body["operationName"] = operation
        answer = check(f"graphql rule violations ({audience})", clients[audience], hostile.json_body(body))
        if answer.get("errors"):
            assert all(error.get("message") for error in answer["errors"])

    run()
