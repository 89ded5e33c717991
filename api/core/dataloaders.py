"""Per-request batching loaders: a list's items load their related rows in one query, not one per item.

Saleor's loaders (saleor/graphql/core/dataloaders.py) are `promise` DataLoaders: one instance per request and per
`context_key`, kept on the request, and a `batch_load(keys)` answering in the keys' order. Their batching relies on
graphql-core 2 deferring promises until a whole level is resolved. graphql-core 3, which graphene 3 runs on,
executes synchronously depth first: the first item's fields are resolved before the second item is looked at, so a
promise would be waited for (and loaded) alone. Our loaders keep Saleor's shape and make the batch explicit: the
resolver of a list announces its items' keys with `expect(keys)`, which costs nothing, and the first `load(key)`
of any item loads every key announced and not loaded yet in one `batch_load`. A field nobody asks for loads nothing.
"""

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_LOADERS = "_api_dataloaders"


class DataLoader(Generic[K, V]):
    """Subclasses name a `context_key` and implement `batch_load(keys) -> values in the keys' order`."""

    context_key: ClassVar[str]

    def __new__(cls, context: Any) -> "DataLoader[K, V]":
        # One loader per request and key, as Saleor does: the request (graphene-django's context) holds them.
        loaders = context.__dict__.setdefault(_LOADERS, {})
        loader = loaders.get(cls.context_key)
        if loader is None:
            loader = loaders[cls.context_key] = super().__new__(cls)
            loader.context = context
            loader._cache = {}
            loader._expected = {}
        if not isinstance(loader, cls):
            raise TypeError(f"{cls.__name__} and {type(loader).__name__} share the context key {cls.context_key!r}")
        return loader

    def expect(self, keys: Iterable[K]) -> None:
        """Announce keys that `load` will probably be asked for, so that the first load fetches them all."""
        for key in keys:
            if key not in self._cache:
                self._expected[key] = None

    def prime(self, key: K, value: V) -> None:
        self._cache[key] = value
        self._expected.pop(key, None)

    def load(self, key: K) -> V:
        if key not in self._cache:
            self._expected[key] = None
            self._dispatch()
        return self._cache[key]

    def load_many(self, keys: Iterable[K]) -> list[V]:
        keys = list(keys)
        self.expect(keys)
        return [self.load(key) for key in keys]

    def _dispatch(self) -> None:
        keys = list(self._expected)
        self._expected = {}
        values = self.batch_load(keys)
        if len(values) != len(keys):
            raise ValueError(f"{type(self).__name__}.batch_load answered {len(values)} values for {len(keys)} keys")
        self._cache.update(zip(keys, values, strict=True))

    def batch_load(self, keys: Sequence[K]) -> Sequence[V]:
        raise NotImplementedError


class GroupedLoader(DataLoader[K, list]):
    """A loader of the rows related to each key: `group(keys)` answers {key: [rows]}; a key without rows gets []."""

    def batch_load(self, keys: Sequence[K]) -> list[list]:
        groups = self.group(keys)
        return [list(groups.get(key, ())) for key in keys]

    def group(self, keys: Sequence[K]) -> dict[K, Iterable]:
        raise NotImplementedError
