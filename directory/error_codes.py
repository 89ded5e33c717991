"""Why directory refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class DirectoryErrorCode(StrEnum):
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
    NOT_MOBILE = "not_mobile"
    NOT_PENDING = "not_pending"
    NOT_SPREADSHEET = "not_spreadsheet"
    REJECTED_ROWS = "rejected_rows"
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    UNSUPPORTED_TYPE = "unsupported_type"
