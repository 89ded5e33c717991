"""The demo's data files: each app's demo module keeps what it loads in TOML beside it and reads it through here."""

import functools
import tomllib
from pathlib import Path


@functools.cache
def load_toml(path: Path) -> dict:
    """The parsed file, read once per process; callers treat it as read-only."""
    with path.open("rb") as file:
        return tomllib.load(file)
