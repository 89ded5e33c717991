"""What the import refuses: a whole file (ImportFileError) or applying it (ImportRefused)."""

from enum import StrEnum


class CadreImportError(Exception):
    """A problem the user must see; ``message`` is translated, ``code`` is stable for programs and tests."""

    def __init__(self, message: str, code: StrEnum):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


class ImportFileError(CadreImportError):
    """The file as a whole cannot be imported (type, size, encoding, headers...)."""


class ImportRefused(CadreImportError):
    """The file was read, but applying it was refused (rejected rows, already imported, data changed)."""
