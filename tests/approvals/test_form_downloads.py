"""Forms and samples: a material's blank form and filled example, offered on the item page and in the API."""

import json

import pytest
from django.core.files.base import ContentFile

pytestmark = pytest.mark.django_db


def test_a_material_offers_its_blank_form_and_filled_example(client, item):
    material = item.materials.get(sort_order=1)
    material.blank_form.save("blank.xlsx", ContentFile(b"PK\x03\x04 blank"), save=False)
    material.sample.save("sample.pdf", ContentFile(b"%PDF-1.4 sample"), save=True)
    html = client.get(f"/approvals/items/{item.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "空白表格" in html and "示范文本" in html
    assert material.blank_form.url in html and material.sample.url in html
    query = "query($c: String!) { approvalItem(code: $c) { materials { name blankFormUrl sampleUrl } } }"
    body = json.dumps({"query": query, "variables": {"c": item.code}})
    rows = client.post("/graphql/", body, content_type="application/json").json()
    rows = rows["data"]["approvalItem"]["materials"]
    assert rows[0]["blankFormUrl"] == material.blank_form.url and rows[0]["sampleUrl"] == material.sample.url
    assert rows[1]["blankFormUrl"] is None


def test_a_form_of_another_type_is_refused_in_the_admin_model(item):
    from django.core.exceptions import ValidationError

    material = item.materials.get(sort_order=1)
    material.blank_form.save("script.exe", ContentFile(b"MZ"), save=False)
    with pytest.raises(ValidationError) as error:
        material.full_clean()
    assert "blank_form" in error.value.message_dict


def test_the_demo_gives_application_forms_real_workbooks(city):
    from io import BytesIO

    from openpyxl import load_workbook

    from approvals.demo import _form_files

    blank, sample = _form_files(type("I", (), {"name": "食品经营许可", "code": "QH-SJJ-001"})(), "食品经营许可申请书")
    blank_ws, sample_ws = (load_workbook(BytesIO(f.read())).active for f in (blank, sample))
    assert "空白表格" in blank_ws["A1"].value and "示范文本" in sample_ws["A1"].value
    assert blank_ws["B4"].value is None and sample_ws["B4"].value
