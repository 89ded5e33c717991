"""Attachments: images and PDF only, recognised by their content, within size limits, stripped of metadata.

Images (JPEG, PNG, WebP) are decoded and re-encoded by Pillow from their pixels only, after applying the EXIF
orientation: EXIF (GPS position, camera serial, time), XMP, ICC comments and any data appended after the image are
gone, because nothing but pixels is written back.

PDF cannot be rebuilt from pixels without a PDF library, and a PDF can carry active content. Our policy:
  * refused: encrypted PDFs and any PDF with active or embedded content (JavaScript, launch actions, open actions,
    additional actions, embedded files, rich media, XFA forms), found in the file and inside compressed streams;
  * metadata blanked in place: the values of the document-information keys (/Author, /Creator, /Producer, /Title,
    /Subject, /Keywords, dates) and every uncompressed XMP packet are overwritten with spaces of the same length,
    so the cross-reference offsets stay valid and the file still opens;
  * refused with a request to print the pages as images: a PDF whose metadata sits inside a compressed stream,
    where it could not be blanked.
"""

import io
import re
import secrets
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from complaints.error_codes import ComplaintErrorCode

IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
PDF_SIGNATURE = b"%PDF-"
ACTIVE_PDF = re.compile(
    rb"/(JavaScript|JS|Launch|OpenAction|AA|EmbeddedFile|EmbeddedFiles|RichMedia|XFA|SubmitForm|ImportData|GoToR|GoToE)\b"
)
INFO_KEYS = rb"Author|Creator|Producer|Title|Subject|Keywords|CreationDate|ModDate|Company|SourceModified"
INFO_STRING = re.compile(rb"/(" + INFO_KEYS + rb")\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", re.S)
XMP_PACKET = re.compile(rb"<\?xpacket begin.*?<\?xpacket end[^>]*\?>|<x:xmpmeta.*?</x:xmpmeta>", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
MAX_INFLATED = 20 * 1024 * 1024


@dataclass
class CleanFile:
    content: ContentFile
    content_type: str
    size: int


def sniff(head):
    for signature, content_type in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(PDF_SIGNATURE):
        return "application/pdf"
    return None


def clean(upload):
    """A cleaned copy of an uploaded file, or ValidationError with a message for the reporter."""
    limit = settings.COMPLAINTS_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)d MB per file.") % {"name": upload.name, "mb": limit // 2**20},
            code=ComplaintErrorCode.TOO_LARGE,
        )
    upload.seek(0)
    data = upload.read()
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not an image (JPEG, PNG, WebP) or a PDF, whatever its name says.") % {"name": upload.name},
            code=ComplaintErrorCode.BAD_TYPE,
        )
    if content_type == "application/pdf":
        data = clean_pdf(data, upload.name)
        extension = "pdf"
    else:
        data, content_type, extension = reencode_image(data, upload.name)
    name = f"{secrets.token_hex(12)}.{extension}"
    return CleanFile(ContentFile(data, name=name), content_type, len(data))


def reencode_image(data, name):
    broken = ValidationError(
        _("%(name)s could not be read as an image.") % {"name": name}, code=ComplaintErrorCode.BAD_IMAGE
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > settings.COMPLAINTS_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels.") % {"name": name}, code=ComplaintErrorCode.TOO_LARGE
                )
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
            # A new image from the pixels alone: no info, EXIF, XMP or ICC travels across.
            pixels = image.convert("RGBA" if has_alpha else "RGB")
            clean_image = Image.new(pixels.mode, pixels.size)
            clean_image.paste(pixels)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise broken from None
    out = io.BytesIO()
    if has_alpha:
        clean_image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png", "png"
    clean_image.save(out, format="JPEG", quality=88)
    return out.getvalue(), "image/jpeg", "jpg"


def _inflated_streams(data):
    for match in STREAM.finditer(data):
        raw = match.group(1)
        try:
            inflater = zlib.decompressobj()
            yield inflater.decompress(raw, MAX_INFLATED)
        except zlib.error:
            continue


def clean_pdf(data, name):
    refuse_active = ValidationError(
        _(
            "%(name)s contains scripts, actions or embedded files, which we do not accept. Print it to a new PDF or "
            "upload photos of its pages."
        )
        % {"name": name},
        code=ComplaintErrorCode.ACTIVE_CONTENT,
    )
    if b"/Encrypt" in data:
        raise ValidationError(
            _("%(name)s is encrypted or password-protected. Upload an unprotected copy.") % {"name": name},
            code=ComplaintErrorCode.ENCRYPTED,
        )
    if ACTIVE_PDF.search(data):
        raise refuse_active
    for inflated in _inflated_streams(data):
        if ACTIVE_PDF.search(inflated):
            raise refuse_active
        if re.search(rb"/(" + INFO_KEYS + rb")\s*[(<]", inflated) or b"xmpmeta" in inflated:
            raise ValidationError(
                _(
                    "%(name)s keeps its author details in a form we cannot remove. Upload photos or screenshots of its "
                    "pages instead."
                )
                % {"name": name},
                code=ComplaintErrorCode.METADATA,
            )

    def blank_value(match):
        key_end = match.start(2) - match.start(0)
        whole = match.group(0)
        value = match.group(2)
        # Keep the delimiters, blank what is inside: same length, so xref offsets stay right.
        blanked = value[:1] + b" " * (len(value) - 2) + value[-1:]
        return whole[:key_end] + blanked

    data = INFO_STRING.sub(blank_value, data)
    data = XMP_PACKET.sub(lambda m: b" " * len(m.group(0)), data)
    return data
