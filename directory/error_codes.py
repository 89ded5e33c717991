"""Why directory refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class DirectoryErrorCode(StrEnum):
    # A cadre list refused as a whole (directory.importing.ImportFileError).
    CORRUPT_XLSX = "corrupt_xlsx"
    DUPLICATE_COLUMN = "duplicate_column"
    EMPTY = "empty"
    ENCODING = "encoding"
    FILE_MISSING = "file_missing"
    LEGACY_XLS = "legacy_xls"
    MALFORMED_CSV = "malformed_csv"
    MISSING_COLUMNS = "missing_columns"
    MIXED_ENCODING = "mixed_encoding"
    NO_ROWS = "no_rows"
    NOT_SPREADSHEET = "not_spreadsheet"
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    UNSUPPORTED_TYPE = "unsupported_type"
    # Applying a previewed list refused (directory.importing.ImportRefused); a changed cadre list is CONFLICT.
    NOT_PENDING = "not_pending"
    REJECTED_ROWS = "rejected_rows"
    # One row of a cadre list rejected (directory.importing.RowError); NOT_MOBILE also refuses a cadre's number.
    BAD_PARTY_MEMBER = "bad_party_member"
    BAD_PHONE = "bad_phone"
    BAD_RANK = "bad_rank"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    INACTIVE_DEPARTMENT = "inactive_department"
    MISSING_VALUE = "missing_value"
    NOT_MOBILE = "not_mobile"
    TOO_LONG = "too_long"
    UNKNOWN_DEPARTMENT = "unknown_department"
