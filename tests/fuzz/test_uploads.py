"""Multipart uploads against the public forms that take files: the complaint form's attachments, the application
form's materials and a supplement. Random file names (unicode, path traversal, very long, empty), content types,
sizes either side of the limit, empty files and too many files, in a body built by hand (Django's test client
would strip the paths from the names). Never a 500, and nothing half-written: a refused upload leaves no row and
no file behind; an accepted one has every file it names, stored under a name of ours inside the storage root."""

import io
import os
import secrets
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from tests.fuzz import strategies as hostile
from tests.fuzz.conftest import FUZZ, send

pytestmark = pytest.mark.django_db

LIMIT = 4096  # the per-file limits in these tests, so that "just over" costs nothing

PDF_HEAD = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()

NAMES = [
    "材料.pdf",
    "照片（一）.png",
    "../../../etc/passwd.pdf",
    "..\\..\\windows\\win.ini.pdf",
    "/etc/shadow",
    "C:\\Users\\x\\举报.pdf",
    "%2e%2e%2fescape.pdf",
    "a" * 1000 + ".pdf",
    "😀" * 300 + ".png",
    "\u202egpj.exe",
    "a\x00.pdf",
    'quote".pdf',
    "semi;colon.pdf",
    "CON.pdf",
    ".pdf",
    "",
    "申请书.docx",
]


def names():
    return st.one_of(st.sampled_from(NAMES), hostile.texts(40).map(lambda s: s + st_ext(s)))


def st_ext(text):
    return [".pdf", ".png", ".jpg", ""][len(text) % 4]


def bodies():
    around = st.sampled_from([LIMIT - 1, LIMIT, LIMIT + 1, 2 * LIMIT]).map(
        lambda n: PDF_HEAD + b"0" * (n - len(PDF_HEAD))
    )
    return st.one_of(
        st.just(b""), st.just(PDF_HEAD), st.just(PNG), around, st.binary(max_size=300), st.just(b"MZ\x90\x00")
    )


CONTENT_TYPES = ["application/pdf", "image/png", "application/octet-stream", "text/html", "", "multipart/mixed"]


def uploads(field, max_files):
    """(field, filename, body, content type) for up to `max_files` files."""
    hostile_file = st.tuples(st.just(field), names(), bodies(), st.sampled_from(CONTENT_TYPES))
    # Half of them good, so that many cases get past validation and store something.
    good = st.tuples(st.just(field), st.sampled_from(["申请书.pdf", "照片.png"]), st.sampled_from([PDF_HEAD, PNG]))
    good_file = good.map(lambda t: (*t, "application/pdf" if t[1].endswith("pdf") else "image/png")).filter(
        lambda t: t[2].startswith(b"%PDF") == t[1].endswith("pdf")
    )
    return st.lists(st.one_of(good_file, hostile_file), max_size=max_files)


def encode(fields, files):
    """A multipart body as a client writes it, file names kept exactly as sent (UTF-8, quotes escaped)."""
    boundary = "----fuzz" + secrets.token_hex(8)
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + hostile.to_bytes(str(value))
            + b"\r\n"
        )
    for field, filename, body, content_type in files:
        quoted = hostile.to_bytes(filename).replace(b'"', b"%22").replace(b"\r", b"").replace(b"\n", b"")
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="'.encode() + quoted + b'"\r\n'
        )
        if content_type:
            head += f"Content-Type: {content_type}\r\n".encode()
        parts.append(head + b"\r\n" + body + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def on_disk():
    found = set()
    for root in (django_settings.MEDIA_ROOT, django_settings.COMPLAINTS_PRIVATE_ROOT):
        for folder, _dirs, files in os.walk(root):
            found.update(os.path.join(folder, name) for name in files)
    return found


def inside_root(field_file):
    """The stored file exists, lies inside its storage's root and carries none of the sender's path."""
    path = Path(field_file.path).resolve()
    root = Path(field_file.storage.location).resolve()
    return path.is_file() and root in path.parents and ".." not in field_file.name


@pytest.fixture
def small_limits(settings):
    settings.COMPLAINTS_ATTACHMENT_MAX_BYTES = LIMIT
    settings.APPROVALS_MAX_UPLOAD_BYTES = LIMIT


# --- complaints ---------------------------------------------------------------------------------------------------

COMPLAINT = [
    ("category", "demanding"),
    ("description", "窗口人员索要好处费，多次刁难群众。"),
    ("concerned_person", "李四"),
    ("is_anonymous", "1"),
]


@given(files=uploads("attachments", 8), json_answer=st.booleans())
@FUZZ
def test_complaint_attachments(seed, client, small_limits, files, json_answer):
    from complaints.models import Attachment, Complaint

    problems = []

    def do():
        before = (set(Complaint.objects.values_list("pk", flat=True)), Attachment.objects.count(), on_disk())
        body, content_type = encode(COMPLAINT + [("concerned_department", seed.sjj.pk)], files)
        accept = {"HTTP_ACCEPT": "application/json"} if json_answer else {}
        response = client.generic("POST", "/complaints/new/", body, content_type=content_type, **accept)
        new = Complaint.objects.exclude(pk__in=before[0])
        if response.status_code != 200:
            if new.exists() or Attachment.objects.count() != before[1] or on_disk() != before[2]:
                problems.append(f"refused ({response.status_code}) but something was written")
        elif new.count() != 1:
            problems.append("accepted without exactly one complaint")
        else:
            stored = list(new.get().attachments.all())
            if len(stored) > django_settings.COMPLAINTS_MAX_ATTACHMENTS:
                problems.append(f"{len(stored)} attachments stored")
            if not all(inside_root(row.file) and row.file.size == row.size for row in stored):
                problems.append("an attachment row without its file, or outside the storage root")
            if len(on_disk() - before[2]) != len(stored):
                problems.append("files on disk that no attachment row names")
        return response

    send("uploads: complaint attachments", do)
    assert not problems, problems


# --- approvals ----------------------------------------------------------------------------------------------------


@given(
    first=uploads("first", 2),
    second=uploads("second", 3),
    key=st.one_of(st.just(""), st.uuids().map(lambda u: u.hex)),
)
@FUZZ
def test_application_materials(seed, client, small_limits, first, second, key):
    from approvals.models import Application, SubmittedMaterial

    required, optional = seed.materials
    fields = [
        ("service_centre", seed.centre.pk),
        ("applicant_kind", "person"),
        ("applicant_name", "张三"),
        ("applicant_phone", "13912345678"),
        ("idempotency_key", key),
    ]
    files = [(f"material_{required.pk}", *rest) for _f, *rest in first]
    files += [(f"material_{optional.pk}", *rest) for _f, *rest in second]
    problems = []

    def do():
        before = (set(Application.objects.values_list("pk", flat=True)), SubmittedMaterial.objects.count(), on_disk())
        body, content_type = encode(fields, files)
        response = client.generic(
            "POST", reverse("approvals:apply", args=[seed.item.code]), body, content_type=content_type
        )
        new = Application.objects.exclude(pk__in=before[0])
        if new.count() == 0:
            if SubmittedMaterial.objects.count() != before[1] or on_disk() != before[2]:
                problems.append("refused but a material was written")
        elif new.count() > 1:
            problems.append("one post, several applications")
        else:
            stored = list(SubmittedMaterial.objects.filter(application=new.get()))
            if not any(row.material_id == required.pk for row in stored):
                problems.append("an application without its required material")
            if not all(inside_root(row.file) and row.file.size == row.size for row in stored):
                problems.append("a material row without its file, or outside the storage root")
            if len(on_disk() - before[2]) != len(stored):
                problems.append("files on disk that no material row names")
        return response

    send("uploads: application materials", do)
    assert not problems, problems


@pytest.fixture
def waiting(seed, client):
    """The seed's application waiting for a supplement of two materials, its tracking page open in `client`."""
    from approvals import services

    app = services.request_supplement(seed.application, by=seed.staff, materials=["身份证复印件", "营业执照"])
    client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": seed.tracking_code})
    return app


@given(files=uploads("file_0", 2), more=uploads("file_1", 2))
@FUZZ
def test_supplement(seed, client, small_limits, waiting, files, more):
    from approvals.models import Application, SubmittedMaterial

    problems = []

    def do():
        before = (SubmittedMaterial.objects.filter(application=waiting).count(), on_disk())
        body, content_type = encode([("action", "supplement")], files + more)
        url = reverse("approvals:track_detail", args=[waiting.tracking_number])
        response = client.generic("POST", url, body, content_type=content_type)
        state = Application.objects.get(pk=waiting.pk).state
        stored = SubmittedMaterial.objects.filter(application=waiting).count() - before[0]
        if state == waiting.state:
            if stored or on_disk() != before[1]:
                problems.append("refused but a material was written")
        elif stored < 2 or len(on_disk() - before[1]) != stored:
            problems.append(f"supplied with {stored} materials stored")
        return response

    send("uploads: supplement", do)
    assert not problems, problems
