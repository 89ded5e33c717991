"""Read the active sheet of an XLSX workbook into rows of cell texts.

A small streaming reader of the one sheet we need, on the standard library. openpyxl's read-only mode builds
an object per cell: on our machines it needed 2.6 s for a 10,000-row file, half the time budget of the whole
import (bench/import_cadres.py); this reads the same XML about seven times faster. Values only, no styles:
a date typed into a cell arrives as Excel's serial number, which no column of ours expects anyway.
The XML is parsed by expat, which bounds entity expansion; an entry's uncompressed size is checked first.
"""

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from directory.error_codes import DirectoryErrorCode
from directory.importing import cells
from directory.importing.errors import CadreImportError, ImportFileError

MAX_XML_BYTES = 256 * 1024 * 1024
MAX_COLUMNS = 200  # cells further right than this are ignored, whatever a crafted file claims
_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _open_part(archive: zipfile.ZipFile, name: str):
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_BYTES:
        raise ImportFileError(
            _("The workbook is too large once uncompressed; split the list into several files."),
            code=DirectoryErrorCode.TOO_LARGE,
        )
    return archive.open(info)


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part name) of a package part ("" for the package itself)."""
    folder, _sep, base = part.rpartition("/")
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if rels_name not in archive.NameToInfo:
        return {}
    relationships = {}
    with _open_part(archive, rels_name) as source:
        for _event, element in ElementTree.iterparse(source):
            if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
                continue
            target = element.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            relationships[element.get("Id")] = (element.get("Type", "").rpartition("/")[2], name)
    return relationships


def _workbook_sheets(archive: zipfile.ZipFile, part: str) -> tuple[list[tuple[str, str | None]], int]:
    """The (name, relationship id) of every sheet in tab order, and the index of the active tab."""
    sheets, active = [], None
    with _open_part(archive, part) as source:
        for _event, element in ElementTree.iterparse(source):
            tag = _local(element.tag)
            if tag == "sheet":
                rid = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
                sheets.append((element.get("name", ""), rid))
            elif tag == "workbookView" and active is None:
                active = int(element.get("activeTab") or 0)
    return sheets, active or 0


def _rich_text(element) -> str:
    """The text of an <si> or <is>: its <t>, or the <t> of each run, without phonetic guides (<rPh>)."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    text = "".join(parts)
    return _ESCAPED_CHAR.sub(lambda m: chr(int(m[1], 16)), text) if "_x" in text else text


def _shared_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    strings = []
    with _open_part(archive, part) as source:
        for _event, element in ElementTree.iterparse(source):
            if _local(element.tag) == "si":
                strings.append(_rich_text(element))
                element.clear()
    return strings


def _column_index(reference: str) -> int:
    index = 0
    for char in reference:
        if char.isdigit():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _number_text(value: str) -> str:
    # A phone typed as a number may be stored as 13800138000 or 1.3800138E10: both must read as the digits.
    if "." not in value and "E" not in value.upper():
        return value
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else value


def _cell_value(cell, strings: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = next((child for child in cell if _local(child.tag) == "is"), None)
        return _rich_text(inline) if inline is not None else ""
    value = next((child.text for child in cell if _local(child.tag) == "v"), None)
    if value is None:
        return ""
    if kind == "s":
        return strings[int(value)]
    if kind == "n":
        return _number_text(value)
    if kind == "b":
        return "1" if value.strip() in ("1", "true") else "0"
    return value  # "str" (a formula's text), "e" (an error such as #N/A), "d" (an ISO date)


def _sheet_rows(archive: zipfile.ZipFile, part: str, strings: list[str]) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    number = 0
    parent = None
    with _open_part(archive, part) as source:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if event == "start":
                if parent is None and _local(element.tag) == "sheetData":
                    parent = element
                continue
            if _local(element.tag) != "row":
                continue
            number = int(element.get("r") or number + 1)
            values: list[str] = []
            for cell in element:
                if _local(cell.tag) != "c":
                    continue
                reference = cell.get("r")
                index = _column_index(reference) if reference else len(values)
                if not 0 <= index < MAX_COLUMNS:
                    continue
                if index >= len(values):
                    values.extend([""] * (index - len(values) + 1))
                values[index] = cells.clean_text(_cell_value(cell, strings))
            if any(values):
                rows.append((number, values))
                if len(rows) > cells.MAX_DATA_ROWS + 1:  # + the header
                    raise cells.too_many_rows()
            # Drop the parsed rows, so memory holds one row at a time, not the sheet.
            if parent is not None:
                parent.clear()
    return rows


def read_xlsx(data: bytes, filename: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The non-blank rows (row number, cell texts) of the workbook's active sheet, and warnings."""
    warnings: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        workbook_part = next(
            (name for kind, name in _relationships(archive, "").values() if kind == "officeDocument"),
            "xl/workbook.xml",
        )
        sheets, active = _workbook_sheets(archive, workbook_part)
        relationships = _relationships(archive, workbook_part)
        worksheets = [
            (name, relationships[rid][1])
            for name, rid in sheets
            if rid in relationships and relationships[rid][0] == "worksheet"
        ]
        if not worksheets:
            raise ImportFileError(_("The workbook has no worksheet."), code=DirectoryErrorCode.EMPTY)
        active_name = sheets[active][0] if active < len(sheets) else None
        sheet_name, sheet_part = next((sheet for sheet in worksheets if sheet[0] == active_name), worksheets[0])
        if len(sheets) > 1:
            warnings.append(
                _("Only the sheet “%(sheet)s” was read; the workbook's other sheets were ignored.")
                % {"sheet": sheet_name}
            )
        strings_part = next((name for kind, name in relationships.values() if kind == "sharedStrings"), None)
        strings = _shared_strings(archive, strings_part) if strings_part else []
        rows = _sheet_rows(archive, sheet_part, strings)
    except CadreImportError:
        raise
    except Exception as exc:
        # A damaged or foreign file fails anywhere (zip, XML, a missing part, an index out of range).
        raise corrupt_xlsx(filename) from exc
    return rows, warnings


def corrupt_xlsx(filename: str) -> ImportFileError:
    return ImportFileError(
        _(
            "“%(name)s” is not a readable .xlsx workbook: it may be damaged, or another kind of file renamed .xlsx. "
            "Open it in Excel, save it again as “Excel workbook (*.xlsx)” and upload it again."
        )
        % {"name": filename},
        code=DirectoryErrorCode.CORRUPT_XLSX,
    )
