"""The cadre import in the Wagtail admin: upload, preview, confirm."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.models import Cadre, CadreImport
from tests.directory.factories import CadreFactory, DepartmentFactory
from tests.directory.test_import import LI, ZHANG, cadre_rows, csv_bytes, xlsx_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def departments(db):
    return [DepartmentFactory(code="D01", name="市教育局"), DepartmentFactory(code="D02", name="市财政局")]


def _admin_user(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, password="pw")
    group = Group.objects.create(name=f"group of {username}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        group.permissions.add(Permission.objects.get(codename=codename, content_type__app_label="directory"))
    user.groups.add(group)
    return user


@pytest.fixture
def hr_client(client, django_user_model, departments):
    client.force_login(_admin_user(django_user_model, "hr", "add_cadre", "change_cadre", "view_cadre"))
    return client


def _upload(client, data, name="干部名册.xlsx"):
    return client.post(reverse("directory_import:upload"), {"file": SimpleUploadedFile(name, data)})


def _count(body, kind):
    return int(re.search(rf'data-count="{kind}">(\d+)<', body).group(1))


@pytest.mark.django_db
def test_urls_are_mounted_in_the_admin():
    assert reverse("directory_import:upload") == "/admin/cadres/import/"
    assert reverse("directory_import:preview", args=[7]) == "/admin/cadres/import/7/"
    assert reverse("directory_import:confirm", args=[7]) == "/admin/cadres/import/7/confirm/"


@pytest.mark.parametrize("codenames", [(), ("add_cadre",), ("change_cadre", "view_cadre")])
def test_a_user_without_both_add_and_change_permissions_cannot_import(
    client, django_user_model, departments, codenames
):
    client.force_login(_admin_user(django_user_model, "clerk", *codenames))
    assert client.get(reverse("directory_import:upload")).status_code == 302
    response = _upload(client, xlsx_bytes([ZHANG]))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not CadreImport.objects.exists()

    cadre_import = CadreImport.objects.create(original_name="x.xlsx", file="imports/cadres/x.xlsx")
    assert client.get(reverse("directory_import:preview", args=[cadre_import.pk])).status_code == 302
    client.post(reverse("directory_import:confirm", args=[cadre_import.pk]))
    assert CadreImport.objects.get().status == CadreImport.Status.PREVIEWED


def test_an_anonymous_visitor_is_sent_to_the_login(client, db):
    response = client.get(reverse("directory_import:upload"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_upload_page_documents_the_columns(hr_client):
    body = hr_client.get(reverse("directory_import:upload")).content.decode()
    for header in ("姓名", "手机号", "部门编码", "职务", "职级", "是否党员", "department_code", "party_member"):
        assert header in body
    assert 'enctype="multipart/form-data"' in body


def test_upload_preview_confirm_writes_the_cadres_once(hr_client, departments):
    CadreFactory(name="李秀英", phone="+8613900139000", department=departments[1], post="副科长")
    response = _upload(hr_client, xlsx_bytes([ZHANG, LI, ["王芳", "12345", "D01"]]))
    assert response.status_code == 302
    cadre_import = CadreImport.objects.get()
    assert response.url == reverse("directory_import:preview", args=[cadre_import.pk])
    assert cadre_import.uploaded_by.username == "hr"

    body = hr_client.get(response.url).content.decode()
    assert (_count(body, "create"), _count(body, "update"), _count(body, "rejected")) == (1, 1, 1)
    assert "张伟" in body and "+8613800138000" in body  # to add
    assert "副科长" in body  # the update shows the old post
    assert "12345" in body and "<td>4</td>" in body  # the rejected row, by its row number
    assert 'name="only_valid"' in body and "required" in body
    assert Cadre.objects.count() == 1

    confirm_url = reverse("directory_import:confirm", args=[cadre_import.pk])
    # Rejected rows and the box not ticked: refused, nothing written.
    response = hr_client.post(confirm_url, follow=True)
    assert Cadre.objects.count() == 1
    assert CadreImport.objects.get().status == CadreImport.Status.PREVIEWED
    assert response.redirect_chain[-1][0] == reverse("directory_import:preview", args=[cadre_import.pk])

    response = hr_client.post(confirm_url, {"only_valid": "on"})
    assert response.status_code == 302 and response.url == reverse("wagtailsnippets_directory_cadre:list")
    assert set(Cadre.objects.values_list("name", "post")) == {("张伟", "办公室主任"), ("李秀英", "科员")}
    assert CadreImport.objects.get().status == CadreImport.Status.APPLIED

    # A second click (or a replayed request) does not import twice.
    response = hr_client.post(confirm_url, {"only_valid": "on"}, follow=True)
    assert Cadre.objects.count() == 2
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("directory_import:preview", args=[cadre_import.pk])
    assert 'name="only_valid"' not in body


def test_a_clean_csv_imports_without_the_checkbox(hr_client):
    _upload(hr_client, csv_bytes([ZHANG, LI], encoding="gbk"), "名册.csv")
    cadre_import = CadreImport.objects.get()
    body = hr_client.get(reverse("directory_import:preview", args=[cadre_import.pk])).content.decode()
    assert "李秀英" in body and 'name="only_valid"' not in body
    hr_client.post(reverse("directory_import:confirm", args=[cadre_import.pk]))
    assert Cadre.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7", "scan.pdf"),
        (b"<html></html>", "cadres.xlsx"),
        (csv_bytes([["a", "b"]], header=["名字", "电话"]), "cadres.csv"),
    ],
)
def test_a_bad_file_is_refused_on_the_upload_page(hr_client, data, name):
    response = _upload(hr_client, data, name)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not CadreImport.objects.exists()


def test_an_oversized_upload_is_refused_with_the_limit(hr_client, settings):
    settings.CADRE_IMPORT_MAX_BYTES = 1024
    response = _upload(hr_client, csv_bytes(cadre_rows(100)), "big.csv")
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert "1.0" in error  # 1.0 KB, the limit
    assert not CadreImport.objects.exists()


def test_the_preview_lists_at_most_200_rows_a_table(hr_client):
    _upload(hr_client, xlsx_bytes(cadre_rows(250)))
    body = hr_client.get(reverse("directory_import:preview", args=[CadreImport.objects.get().pk])).content.decode()
    assert _count(body, "create") == 250
    assert "干部199<" in body and "干部200<" not in body
    assert "50" in body


def test_a_file_with_nothing_new_has_nothing_to_confirm(hr_client):
    data = xlsx_bytes([ZHANG])
    _upload(hr_client, data)
    hr_client.post(reverse("directory_import:confirm", args=[CadreImport.objects.get().pk]))
    _upload(hr_client, data)
    second = CadreImport.objects.order_by("-pk").first()
    body = hr_client.get(reverse("directory_import:preview", args=[second.pk])).content.decode()
    assert _count(body, "unchanged") == 1
    assert reverse("directory_import:confirm", args=[second.pk]) not in body
