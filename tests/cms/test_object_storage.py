"""Wagtail images and documents on S3-compatible object storage (a real S3 API: moto's server,
tests/fakes/s3_server.py): uploaded through the admin, stored under media/, named by public URLs of the proxy's
/media/ (S3_PUBLIC_URL); documents still go through Wagtail's view (collection privacy is checked there)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

pytestmark = pytest.mark.django_db


def _png():
    out = io.BytesIO()
    PILImage.new("RGB", (64, 48), (20, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def test_images_and_documents_uploaded_in_the_admin_land_in_the_object_store(client, django_user_model, object_storage):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    admin = django_user_model.objects.create_superuser("editor", password="x")
    client.force_login(admin)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "廉政文化", "file": SimpleUploadedFile("culture.png", _png(), content_type="image/png")},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    image = get_image_model().objects.get(title="廉政文化")
    assert f"media/{image.file.name}" in object_storage.keys("media/original_images/")
    rendition = image.get_rendition("fill-32x32")
    assert rendition.url.startswith("http://testserver/media/images/")
    assert f"media/{rendition.file.name}" in object_storage.keys("media/images/")

    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "廉政手册", "file": SimpleUploadedFile("handbook.txt", "廉洁从政".encode())},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    document = get_document_model().objects.get(title="廉政手册")
    assert object_storage.keys("media/documents/") == [f"media/{document.file.name}"]
    served = client.__class__().get(document.url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == "廉洁从政".encode()
