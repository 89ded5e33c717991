from playwright.sync_api import expect

from directory.models import Cadre, Department, DepartmentKind

CSV = (
    "姓名,手机号,部门编码,职务,职级,是否党员\n"
    "刘晓红,138 0013 0001,QH-JYJ,科员,科员,是\n"
    "陈志强,13800130002,QH-JYJ,副局长,副处级,是\n"
    "吴丽,12345,QH-JYJ,科员,科员,否\n"
    "周明,13800130004,NOPE,科员,科员,是\n"
)


def test_an_hr_officer_imports_a_spreadsheet_on_a_phone(site, page, screenshot, django_user_model, tmp_path):
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    Department.objects.create(code="QH-JYJ", name="市教育局", kind=DepartmentKind.BUREAU, parent=city)
    django_user_model.objects.create_superuser("hr", "hr@example.cn", "secret-pass-1")
    upload = tmp_path / "名册.csv"
    upload.write_bytes(CSV.encode("gb18030"))  # as Excel on a Chinese Windows saves it

    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "hr")
    page.fill("#id_password", "secret-pass-1")
    page.click("button[type=submit]")
    page.goto(site.url + "/admin/snippets/directory/cadre/")
    screenshot("admin-cadre-list")
    page.get_by_role("link", name="导入名册").click()
    expect(page.locator("h1")).to_contain_text("导入干部名册")
    screenshot("admin-import-upload")

    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("[data-count=create]")).to_have_text("2")
    expect(page.locator("[data-count=rejected]")).to_have_text("2")
    expect(page.locator("#rejected + *")).to_be_visible()
    expect(page.get_by_text("第 4 行").or_(page.locator("td", has_text="4")).first).to_be_visible()
    screenshot("admin-import-preview")
    assert Cadre.objects.count() == 0  # nothing written by the preview

    page.get_by_role("button", name="导入", exact=True).click()
    assert Cadre.objects.count() == 0  # refused until "only the valid rows" is ticked
    page.check("input[name=only_valid]")
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("已导入").first).to_be_visible()
    screenshot("admin-import-done")
    assert sorted(Cadre.objects.values_list("name", flat=True)) == ["刘晓红", "陈志强"]
