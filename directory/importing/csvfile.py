"""Read a CSV file: find its text encoding (refusing a file that mixes two), then its delimiter and rows."""

import csv
import io

from django.utils.translation import gettext as _

from directory.error_codes import DirectoryErrorCode
from directory.importing import cells
from directory.importing.errors import ImportFileError


def decode_csv(data: bytes, filename: str) -> tuple[str, str]:
    """UTF-8 (BOM optional) strictly, else UTF-16 with BOM, else GB18030 strictly; mixed encodings are refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _undecodable(filename) from None
    if b"\x00" in data[:8192]:
        raise ImportFileError(
            _("“%(name)s” is not a CSV text file. Save the list from Excel as “CSV UTF-8” or “.xlsx” and upload it.")
            % {"name": filename},
            code=DirectoryErrorCode.NOT_SPREADSHEET,
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # GB18030 decodes much UTF-8 too (as nonsense): a file with both valid non-ASCII UTF-8 lines and lines that
    # are not UTF-8 had two encodings pasted together, and reading it either way would garble some names.
    utf8_lines, other_lines = _classify_lines(data)
    if utf8_lines or data.startswith(b"\xef\xbb\xbf"):
        raise _mixed_encodings(filename, utf8_lines, other_lines)
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise _undecodable(filename) from None


def _classify_lines(data: bytes) -> tuple[list[int], list[int]]:
    """Line numbers of the non-ASCII lines that are valid UTF-8, and of those that are not."""
    utf8_lines, other_lines = [], []
    for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_lines.append(number)
        else:
            utf8_lines.append(number)
    return utf8_lines, other_lines


def _undecodable(filename: str) -> ImportFileError:
    return ImportFileError(
        _(
            "“%(name)s” could not be read as text in UTF-8 or GBK: it may not be a CSV file. "
            "In Excel, choose Save As, pick “CSV UTF-8 (comma delimited)” and upload the new file."
        )
        % {"name": filename},
        code=DirectoryErrorCode.ENCODING,
    )


def _mixed_encodings(filename: str, utf8_lines: list[int], other_lines: list[int]) -> ImportFileError:
    return ImportFileError(
        _(
            "“%(name)s” mixes two text encodings (lines %(utf8)s are UTF-8, lines %(other)s are GBK or another "
            "encoding), so some names would be garbled. Copy the rows into one Excel sheet, save it as "
            "“CSV UTF-8” or “.xlsx” and upload it again."
        )
        % {"name": filename, "utf8": _line_list(utf8_lines), "other": _line_list(other_lines)},
        code=DirectoryErrorCode.MIXED_ENCODING,
    )


def _line_list(numbers: list[int], limit: int = 5) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + ("…" if len(numbers) > limit else "")


def read_csv(text: str) -> list[tuple[int, list[str]]]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel writes commas, but a "Unicode text" export uses tabs and some locales use semicolons.
    delimiter = max([",", "\t", ";"], key=first_line.count) if first_line else ","
    rows = []
    try:
        # Excel shows a CSV record per row, so the record number is the row number the user sees.
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            row = [cells.clean_text(value) for value in values]
            if any(row):
                rows.append((number, row))
                if len(rows) > cells.MAX_DATA_ROWS + 1:  # + the header
                    raise cells.too_many_rows()
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed (%(error)s). Save it again from Excel and upload it.") % {"error": exc},
            code=DirectoryErrorCode.MALFORMED_CSV,
        ) from exc
    return rows
