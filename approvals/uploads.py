"""What an applicant may upload: the file's type is read from its content, its size is bounded."""

import hashlib
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from approvals.error_codes import ApprovalErrorCode
from approvals.models import MaterialKind

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word/Excel 97-2003
# Extensions a name may carry for each detected type (a .jpeg named photo is still a JPEG).
NAMES = {
    MaterialKind.PDF: {"pdf"},
    MaterialKind.JPEG: {"jpg", "jpeg"},
    MaterialKind.PNG: {"png"},
    MaterialKind.DOCX: {"docx"},
    MaterialKind.XLSX: {"xlsx"},
    MaterialKind.DOC: {"doc"},
    MaterialKind.XLS: {"xls"},
}


def max_bytes():
    return settings.APPROVALS_MAX_UPLOAD_BYTES


def sniff(head, upload):
    """The MaterialKind the bytes are, or None. Office Open XML files are zips: look inside for their main part."""
    if head.startswith(b"%PDF-"):
        return MaterialKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return MaterialKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MaterialKind.PNG
    if head.startswith(OLE2):
        name = (upload.name or "").rsplit(".", 1)[-1].lower()
        return MaterialKind.XLS if name == "xls" else MaterialKind.DOC
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return MaterialKind.DOCX
            if "xl/workbook.xml" in names:
                return MaterialKind.XLSX
    return None


def check_upload(upload, label=None, kinds=None):
    """Validate one uploaded file; returns (kind, size, sha256). Raises ValidationError with a message for people."""
    label = label or upload.name
    size = upload.size
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": label}, code=ApprovalErrorCode.EMPTY_FILE)
    if size > max_bytes():
        raise ValidationError(
            _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
            % {"name": label, "size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            code=ApprovalErrorCode.FILE_TOO_LARGE,
        )
    upload.seek(0)
    head = upload.read(16)
    kind = sniff(head, upload)
    extension = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    allowed = kinds or list(NAMES)
    if kind is None or kind not in allowed or extension not in NAMES[kind]:
        raise ValidationError(
            _("%(name)s is not an accepted file: upload %(kinds)s, with a name that matches its type.")
            % {"name": label, "kinds": "、".join(MaterialKind(k).label for k in allowed)},
            code=ApprovalErrorCode.FILE_TYPE,
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind, size, digest.hexdigest()
