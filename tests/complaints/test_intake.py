import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from complaints import crypto, receipts
from complaints.models import Attachment, Complaint, ComplaintEvent, Reporter, Stage
from core import events
from tests.complaints.conftest import form_data, jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_anonymous_submission_gives_reference_and_receipt_and_publishes_received(submit, published, city):
    submission = submit()
    complaint = submission.complaint
    assert len(submission.receipt) == receipts.RECEIPT_DIGITS >= 16
    assert submission.receipt not in complaint.receipt_hash
    assert receipts.matches(complaint, submission.receipt)
    assert not Reporter.objects.exists()
    assert complaint.handling_department == city.jw
    (event,) = published
    assert event.kind == "complaint.received" and event.subject == f"complaints.complaint:{complaint.pk}"
    assert event.payload["item"] == "complaints.category:demanding"
    assert event.payload["reference"] == complaint.reference
    (clock,) = event.clocks
    stage = Stage.objects.get(complaint=complaint)
    assert clock.key == f"complaints.stage:{stage.pk}" and clock.action == "start" and clock.due_at == stage.due_at
    assert ComplaintEvent.objects.get().pk == event.id


def test_named_reporter_is_encrypted_at_rest_and_gets_sms(submit, sms_outbox):
    submission = submit(is_anonymous="0", name="陈小明", phone="13912345678")
    reporter = Reporter.objects.get(complaint=submission.complaint)
    assert "陈小明" not in reporter.name_encrypted and "13912345678" not in reporter.phone_encrypted
    assert crypto.decrypt(reporter.phone_encrypted) == "+8613912345678"
    ((key, (phone, body)),) = sms_outbox.items()
    assert phone == "+8613912345678"
    assert submission.complaint.reference not in body and key.startswith("complaints.reporter:") and ":1" not in key


def test_tracking_number_goes_into_payload_and_links_related(submit, published):
    first = submit(related_reference="QF20261126001").complaint
    second = submit(related_reference="qf 20261126001", concerned_person="").complaint
    assert second.related_reference == "QF20261126001"
    assert published[-1].payload["related_reference"] == "QF20261126001"
    assert list(second.related.all()) == [first] and list(first.related.all()) == [second]


def test_same_person_same_department_links(submit):
    first = submit().complaint
    second = submit(category="delay").complaint
    assert first in second.related.all()


def test_flood_from_one_source_is_refused(submit):
    with override_settings(COMPLAINTS_SUBMISSIONS_PER_HOUR=2):
        submit(source="a")
        submit(source="a")
        with pytest.raises(ValidationError) as exc:
            submit(source="a")
        # Past its share a source is asked for a proof of work (tests/complaints/test_challenge.py).
        assert exc.value.code == "challenge_required"
        submit(source="b")


def test_image_is_reencoded_without_exif(submit):
    upload = SimpleUploadedFile("我的照片.jpg", jpeg_with_gps(), content_type="image/jpeg")
    complaint = submit(files=[upload]).complaint
    attachment = Attachment.objects.get(complaint=complaint)
    data = attachment.file.read()
    assert b"SecretCam" not in data and b"Exif" not in data
    assert "我的照片" not in attachment.file.name
    from PIL import Image

    assert not Image.open(attachment.file).getexif()


def test_disguised_file_refused_and_nothing_saved(submit):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", content_type="image/jpeg")
    good = SimpleUploadedFile("ok.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        submit(files=[good, fake])
    assert "attachments" in exc.value.message_dict
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_oversized_file_refused(submit):
    with override_settings(COMPLAINTS_ATTACHMENT_MAX_BYTES=1000):
        with pytest.raises(ValidationError):
            submit(files=[SimpleUploadedFile("big.jpg", jpeg_with_gps() + b"0" * 2000)])
    assert not Complaint.objects.exists()


def test_pdf_with_javascript_refused_and_metadata_blanked(submit):
    evil = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF"
    with pytest.raises(ValidationError):
        submit(files=[SimpleUploadedFile("a.pdf", evil)])
    pdf = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        b"2 0 obj << /Author (Zhang San) /Producer <FEFF0041> >> endobj\ntrailer << /Info 2 0 R >>\n%%EOF"
    )
    complaint = submit(files=[SimpleUploadedFile("a.pdf", pdf)]).complaint
    stored = complaint.attachments.get().file.read()
    assert len(stored) == len(pdf) and b"Zhang San" not in stored and b"FEFF0041" not in stored


def test_failure_inside_transaction_leaves_nothing(submit, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("supervision down")

    monkeypatch.setattr(events, "publish", boom)
    with pytest.raises(RuntimeError):
        submit(files=[SimpleUploadedFile("ok.jpg", jpeg_with_gps())])
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_complaint_cannot_be_deleted(submit):
    complaint = submit().complaint
    with pytest.raises(PermissionDenied):
        complaint.delete()
    with pytest.raises(PermissionDenied):
        Complaint.objects.all().delete()
    assert Complaint.objects.count() == 1


def test_form_requires_description_and_target(city):
    from complaints.forms import ComplaintForm

    form = ComplaintForm(form_data(city, description="   ", concerned_department="", concerned_person=""))
    assert not form.is_valid()
    assert "description" in form.errors and "concerned_department" in form.errors
    form = ComplaintForm(form_data(city, is_anonymous="0", name="", phone="123"))
    assert not form.is_valid() and "name" in form.errors and "phone" in form.errors


def test_key_rotation_reencrypts_with_the_newest_key(submit, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    submission = submit(is_anonymous="0", name="陈小明", phone="13912345678")
    old_keys = list(settings.COMPLAINTS_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.COMPLAINTS_ENCRYPTION_KEYS = [new_key, *old_keys]
    call_command("rotate_complaint_keys")
    settings.COMPLAINTS_ENCRYPTION_KEYS = [new_key]  # the old key is gone: the data still opens
    reporter = Reporter.objects.get(complaint=submission.complaint)
    assert crypto.decrypt(reporter.name_encrypted) == "陈小明"
