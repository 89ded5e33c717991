"""Parsed GraphQL documents and the fact that they passed validation, remembered per process.

The app sends the same few dozen documents (api/core/persisted.py) over and over. Parsing one and walking it with
the spec's rules and ours (depth, fields, cost: api/core/security.py) cost about as much CPU as executing it, and
the outcome depends only on the text, the limits in force and the integer variables (a list's size, which the
cost rule reads). So a document is parsed once, and a (text, limits, sizes) that passed is not validated again.
Only successes are remembered: a refusal's message is in the language of the request that caused it, and a
hostile client's documents must not push the app's out. Both memories are bounded (least recently used first).
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django.conf import settings
from graphql import DocumentNode, parse

MAX_DOCUMENTS = 256


class Bounded:
    """A dict of at most `size` entries, the least recently used leaving first; safe across threads."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_parsed = Bounded(MAX_DOCUMENTS)
_valid = Bounded(MAX_DOCUMENTS * 4)


def parsed(query: str) -> DocumentNode:
    """The document for this text; raises GraphQLError on a syntax error (not remembered)."""
    document = _parsed.get(query)
    if document is None:
        document = parse(query)
        _parsed.put(query, document)
    return document


def _validation_key(query: str, variables: Any) -> tuple:
    sizes = ()
    if isinstance(variables, dict):
        sizes = tuple(sorted((k, v) for k, v in variables.items() if isinstance(v, int) and not isinstance(v, bool)))
    limits = (settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_FIELDS, settings.GRAPHQL_MAX_COST, settings.DEBUG)
    return (query, limits, sizes)


def known_valid(query: str, variables: Any) -> bool:
    return _valid.get(_validation_key(query, variables)) is not None


def remember_valid(query: str, variables: Any) -> None:
    _valid.put(_validation_key(query, variables), True)


def forget() -> None:
    """For tests that change the schema's limits in ways the key does not see."""
    _parsed.clear()
    _valid.clear()
