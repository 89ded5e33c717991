"""Import cadres from an HR office's spreadsheet (CSV or XLSX).

The first non-empty row of the file (of the active sheet of a workbook) is the header; every later row is one
cadre. Headers may be in Chinese or English; spaces, ``*``, ``_`` and ``-`` in a header are ignored.

Required columns:

- 姓名 / name: the cadre's name, at most 50 characters; spaces padding a Chinese name ("张  三") are dropped.
- 手机号 / phone (also 手机号码, 手机, mobile): a mobile number in any usual form (138 0013 8000,
  +86-138-0013-8000), stored in E.164. It identifies the cadre: a known number updates that cadre.
- 部门编码 / department_code: the code of an existing, active department (Department.code).

Optional columns:

- 职务 / post: free text, at most 100 characters.
- 职级 / rank: 科员, 副科级, 正科级, 副处级, 正处级, 副厅级, 正厅级 (also 副科, 正处, 副局级, 正局级...)
  or the codes staff, deputy_section, section, deputy_division, division, deputy_bureau, bureau.
  A new cadre defaults to 科员.
- 是否党员 / party_member: 是/否, Y/N, yes/no, 1/0, true/false, 党员/非党员. A new cadre defaults to 是.

Blank rows are skipped silently; a row with a required cell empty is rejected. A blank optional cell leaves an
existing cadre's value as it is. Other columns are ignored, with a warning. CSV files may be UTF-8 (with or
without BOM), UTF-16 with BOM, or GBK/GB18030 as Excel saves them on a Chinese Windows.

A row whose phone belongs to no cadre creates one; a row whose phone is known updates that cadre if anything
differs ("unchanged" otherwise), and never touches the cadre's SMS subscription. Two rows with the same phone
are both rejected. Nothing is written while any row is rejected, unless the caller asks for the valid rows only;
the writes run in one transaction, so a file is imported whole or not at all.

Flow: ``parse_file`` -> ``plan_import`` -> ``apply_plan``. The admin uses ``preview_upload`` (stores the file
as a CadreImport) and ``confirm_import`` (recomputes the plan and applies it once).

Where each part lives:

- ``columns``: the columns, their headers and aliases, and the words accepted for ranks and yes/no.
- ``errors``: ImportFileError (the file as a whole is refused) and ImportRefused (applying it is refused).
- ``parsing``: file name, size and type checks, and the header row mapped to fields (``parse_file``).
- ``xlsx``: the streaming reader of a workbook's active sheet; ``csvfile``: encoding detection and the CSV reader;
  ``cells``: what both readers share (the row cap, cell text cleaning).
- ``planning``: each row cleaned and validated, then sorted into create/update/unchanged/rejected (``plan_import``).
- ``applying``: the writes (``apply_plan``) and the admin's preview/confirm flow.
"""

from directory.importing.applying import BATCH_SIZE, apply_plan, confirm_import, load_plan, preview_upload
from directory.importing.columns import COLUMNS, COLUMNS_BY_FIELD, REQUIRED_FIELDS, Column
from directory.importing.errors import CadreImportError, ImportFileError, ImportRefused
from directory.importing.parsing import (
    ALLOWED_EXTENSIONS,
    OLE2_MAGIC,
    ZIP_MAGIC,
    ParsedFile,
    SourceRow,
    check_file_name,
    check_file_size,
    parse_file,
)
from directory.importing.planning import ImportPlan, PlannedRow, RejectedRow, RowError, plan_import

__all__ = [
    "ALLOWED_EXTENSIONS",
    "BATCH_SIZE",
    "COLUMNS",
    "COLUMNS_BY_FIELD",
    "OLE2_MAGIC",
    "REQUIRED_FIELDS",
    "ZIP_MAGIC",
    "CadreImportError",
    "Column",
    "ImportFileError",
    "ImportPlan",
    "ImportRefused",
    "ParsedFile",
    "PlannedRow",
    "RejectedRow",
    "RowError",
    "SourceRow",
    "apply_plan",
    "check_file_name",
    "check_file_size",
    "confirm_import",
    "load_plan",
    "parse_file",
    "plan_import",
    "preview_upload",
]
