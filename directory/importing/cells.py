"""What the XLSX and CSV readers share: the cap on rows and the cleaning of a cell's text."""

from django.utils.translation import gettext as _

from directory.error_codes import DirectoryErrorCode
from directory.importing.errors import ImportFileError

# A city has a few thousand cadres; the cap stops a crafted workbook (a zip bomb of rows) from eating memory.
MAX_DATA_ROWS = 50_000

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean_text(value: str) -> str:
    return value.translate(_INVISIBLE).strip()


def too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)s rows; split it into several files.") % {"max": f"{MAX_DATA_ROWS:,}"},
        code=DirectoryErrorCode.TOO_MANY_ROWS,
    )
