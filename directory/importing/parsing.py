"""Parse an uploaded file: check its name and size, let its content pick the reader, and map its header row to
the import's fields (columns.py). The result is a ParsedFile of SourceRows; nothing is validated per row yet."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from directory.error_codes import DirectoryErrorCode
from directory.importing.columns import COLUMNS_BY_FIELD, HEADER_ALIASES, REQUIRED_FIELDS, normalise_header
from directory.importing.csvfile import decode_csv, read_csv
from directory.importing.errors import ImportFileError
from directory.importing.xlsx import corrupt_xlsx, read_xlsx

ALLOWED_EXTENSIONS = (".csv", ".xlsx")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)


@dataclass
class SourceRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, str]  # field -> cell text, "" when blank


@dataclass
class ParsedFile:
    filename: str
    file_type: str  # "csv" or "xlsx"
    encoding: str | None
    headers: dict[str, str]  # field -> header text as written in the file
    rows: list[SourceRow]
    warnings: list[str] = field(default_factory=list)


def check_file_name(filename: str) -> str:
    """Return the lower-case extension, or raise if it is not one we read."""
    extension = PurePath(filename or "").suffix.lower()
    if extension == ".xls":
        raise ImportFileError(
            _(
                "“%(name)s” is in the old Excel 97-2003 (.xls) format. "
                "Open it in Excel, choose Save As, pick “Excel workbook (*.xlsx)” and upload the new file."
            )
            % {"name": filename},
            code=DirectoryErrorCode.LEGACY_XLS,
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ImportFileError(
            _("“%(name)s” is not a spreadsheet this import reads: upload a .xlsx or .csv file.") % {"name": filename},
            code=DirectoryErrorCode.UNSUPPORTED_TYPE,
        )
    return extension


def check_file_size(size: int) -> None:
    limit = settings.CADRE_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _(
                "The file is %(size)s; the largest file accepted is %(limit)s. "
                "Remove pictures and unused sheets, or split the list into several files."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code=DirectoryErrorCode.TOO_LARGE,
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."), code=DirectoryErrorCode.EMPTY)


def _size_of(fileobj: IO) -> int:
    size = getattr(fileobj, "size", None)
    if size is not None:
        return size
    position = fileobj.tell()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


def parse_file(fileobj: IO, filename: str) -> ParsedFile:
    """Read a CSV or XLSX file into rows keyed by field; raise ImportFileError for any file-level problem.

    The size is checked before a byte is read, and the content decides the format, so a workbook saved
    under a .csv name still reads and a renamed PDF is refused with a clear message.
    """
    extension = check_file_name(filename)
    check_file_size(_size_of(fileobj))
    fileobj.seek(0)
    data = fileobj.read()
    if isinstance(data, str):  # a file opened in text mode
        data = data.encode("utf-8")
    if data.startswith(OLE2_MAGIC):
        raise ImportFileError(
            _(
                "“%(name)s” is a password-protected workbook or an old Excel 97-2003 (.xls) file. "
                "Open it in Excel, remove the password, choose Save As, pick “Excel workbook (*.xlsx)” "
                "and upload the new file."
            )
            % {"name": filename},
            code=DirectoryErrorCode.LEGACY_XLS,
        )
    if data.startswith(ZIP_MAGIC):
        rows, warnings = read_xlsx(data, filename)
        return _build_parsed_file(filename, "xlsx", None, rows, warnings)
    if extension == ".xlsx":
        raise corrupt_xlsx(filename)
    text, encoding = decode_csv(data, filename)
    return _build_parsed_file(filename, "csv", encoding, read_csv(text), [])


def _build_parsed_file(
    filename: str, file_type: str, encoding: str | None, rows: list[tuple[int, list[str]]], warnings: list[str]
) -> ParsedFile:
    """Map the header row (the first of ``rows``, which are the non-blank rows) to fields, then each row."""
    if not rows:
        raise ImportFileError(_("The file has no rows: it is empty."), code=DirectoryErrorCode.EMPTY)
    header_number, header_row = rows[0]

    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for position, text in enumerate(header_row):
        if not text:
            continue
        field_name = HEADER_ALIASES.get(normalise_header(text))
        if field_name is None:
            unknown.append(text)
        elif field_name in positions:
            raise ImportFileError(
                _("The columns “%(first)s” and “%(second)s” both give the %(column)s; keep only one of them.")
                % {"first": headers[field_name], "second": text, "column": COLUMNS_BY_FIELD[field_name].label},
                code=DirectoryErrorCode.DUPLICATE_COLUMN,
            )
        else:
            positions[field_name] = position
            headers[field_name] = text

    missing = [COLUMNS_BY_FIELD[f].header for f in REQUIRED_FIELDS if f not in positions]
    if missing:
        found = [text for text in header_row if text]
        raise ImportFileError(
            _(
                "The header row (row %(row)s) lacks the required column(s) %(missing)s; it has %(found)s. "
                "The first non-empty row must be the header: 姓名, 手机号, 部门编码, "
                "and optionally 职务, 职级, 是否党员."
            )
            % {
                "row": header_number,
                "missing": "、".join(missing),
                "found": "、".join(found[:20]) + ("…" if len(found) > 20 else ""),
            },
            code=DirectoryErrorCode.MISSING_COLUMNS,
        )
    if unknown:
        warnings.append(
            _("These columns are not imported and were ignored: %(columns)s.") % {"columns": "、".join(unknown)}
        )

    parsed_rows = []
    for number, row in rows[1:]:
        values = {f: (row[p] if p < len(row) else "") for f, p in positions.items()}
        # A row with only ignored columns filled in is blank to the import.
        if any(values.values()):
            parsed_rows.append(SourceRow(number=number, values=values))
    if not parsed_rows:
        raise ImportFileError(
            _("The file has a header row but no cadre rows below it."), code=DirectoryErrorCode.NO_ROWS
        )
    return ParsedFile(filename, file_type, encoding, headers, parsed_rows, warnings)
