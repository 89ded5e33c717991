"""Small helpers for graphene values that several domains use."""

from enum import Enum
from typing import Any


def enum_value(value: Any) -> Any:
    """The plain value of a graphene enum argument (graphene 3 passes the Python enum member; older clients of
    these resolvers passed the value)."""
    return value.value if isinstance(value, Enum) else value
