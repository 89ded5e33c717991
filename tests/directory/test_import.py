"""The cadre spreadsheet import service: what an HR office's file does to the cadre list."""

import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.error_codes import CommonErrorCode
from directory import importing
from directory.error_codes import DirectoryErrorCode
from directory.models import Cadre, CadreImport, Rank
from tests.directory.factories import CadreFactory, DepartmentFactory

HEADER = ["姓名", "手机号", "部门编码", "职务", "职级", "是否党员"]


# Helpers shared with the view and command tests.


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    lines = [",".join(str(cell) for cell in row) for row in ([header] if header else []) + list(rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER, leading_blank_rows=0):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("干部名册")
    for _ in range(leading_blank_rows):
        sheet.append([])
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cadre_rows(count, department_code="D01", start=0):
    return [[f"干部{i}", f"138{i:08d}", department_code, "科员", "科员", "是"] for i in range(start, start + count)]


def parse(data, name="干部名册.xlsx"):
    return importing.parse_file(io.BytesIO(data), name)


def plan(data, name="干部名册.xlsx"):
    return importing.plan_import(parse(data, name))


def file_error(data, name):
    with pytest.raises(importing.ImportFileError) as excinfo:
        parse(data, name)
    return excinfo.value


@pytest.fixture
def departments(db):
    return {
        "D01": DepartmentFactory(code="D01", name="市教育局"),
        "D02": DepartmentFactory(code="D02", name="市财政局"),
    }


ZHANG = ["张伟", "138 0013 8000", "D01", "办公室主任", "正科级", "是"]
LI = ["李秀英", "+86 139-0013-9000", "D02", "科员", "", "否"]


# --- formats and encodings ---------------------------------------------------------------------------------


def test_xlsx_rows_are_created_with_e164_phones_and_chinese_ranks(departments):
    result = plan(xlsx_bytes([ZHANG, LI]))
    assert result.counts() == {"create": 2, "update": 0, "unchanged": 0, "rejected": 0}
    assert importing.apply_plan(result)["create"] == 2

    zhang = Cadre.objects.get(name="张伟")
    assert str(zhang.phone) == "+8613800138000"
    assert zhang.department == departments["D01"]
    assert (zhang.post, zhang.rank, zhang.is_party_member, zhang.sms_opt_in) == (
        "办公室主任",
        Rank.SECTION,
        True,
        True,
    )
    li = Cadre.objects.get(name="李秀英")
    assert str(li.phone) == "+8613900139000"
    assert (li.rank, li.is_party_member) == (Rank.STAFF, False)


def test_csv_in_utf8_with_bom_is_read(departments):
    parsed = parse(csv_bytes([ZHANG]), "cadres.csv")
    assert parsed.encoding == "utf-8"
    assert parsed.rows[0].values["name"] == "张伟"


def test_gbk_csv_saved_by_excel_is_detected(departments):
    parsed = parse(csv_bytes([ZHANG, LI], encoding="gbk"), "干部.csv")
    assert parsed.encoding == "gb18030"
    assert [row.values["name"] for row in parsed.rows] == ["张伟", "李秀英"]
    assert importing.plan_import(parsed).counts()["create"] == 2


def test_utf16_csv_with_tabs_is_read(departments):
    text = "\r\n".join("\t".join(row) for row in [HEADER, ZHANG])
    parsed = parse(("\ufeff" + text).encode("utf-16-le"), "unicode.csv")
    assert parsed.rows[0].values["phone"] == "138 0013 8000"


def test_a_csv_mixing_gbk_and_utf8_lines_is_refused(departments):
    data = csv_bytes([ZHANG], encoding="gbk") + csv_bytes([LI], header=None, encoding="utf-8")
    error = file_error(data, "mixed.csv")
    assert error.code == DirectoryErrorCode.MIXED_ENCODING
    assert "mixed.csv" in error.message


def test_undecodable_bytes_are_refused(departments):
    data = csv_bytes([ZHANG]) + b"\xff\xfe\xff\x80,138,D01\r\n"
    assert file_error(data, "broken.csv").code in (DirectoryErrorCode.ENCODING, DirectoryErrorCode.MIXED_ENCODING)
    assert file_error(b"\xff\xff\x81,\xff\r\n", "broken.csv").code == DirectoryErrorCode.ENCODING


def test_an_xlsx_phone_typed_as_a_number_reads_as_digits(departments):
    result = plan(xlsx_bytes([["张伟", 13800138000, "D01"], ["李秀英", 13900139000.0, "D02"]], header=HEADER[:3]))
    assert sorted(str(row.cadre.phone) for row in result.create) == ["+8613800138000", "+8613900139000"]


def test_a_workbook_saved_as_csv_is_still_read_as_a_workbook(departments):
    assert parse(xlsx_bytes([ZHANG]), "cadres.csv").file_type == "xlsx"


# --- bad files ---------------------------------------------------------------------------------------------


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    class HundredMegabytes(io.BytesIO):
        size = 100 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("the file must not be read")

    with pytest.raises(importing.ImportFileError) as excinfo:
        importing.parse_file(HundredMegabytes(), "huge.xlsx")
    assert excinfo.value.code == DirectoryErrorCode.TOO_LARGE
    assert "100.0" in excinfo.value.message and "10.0" in excinfo.value.message


def test_the_size_limit_comes_from_settings(settings):
    settings.CADRE_IMPORT_MAX_BYTES = 100
    assert file_error(csv_bytes(cadre_rows(10)), "cadres.csv").code == DirectoryErrorCode.TOO_LARGE


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"%PDF-1.4 ...", "cadres.pdf", DirectoryErrorCode.UNSUPPORTED_TYPE),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", DirectoryErrorCode.NOT_SPREADSHEET),
        (importing.OLE2_MAGIC + b"\x00" * 100, "cadres.xls", DirectoryErrorCode.LEGACY_XLS),
        (importing.OLE2_MAGIC + b"\x00" * 100, "renamed.xlsx", DirectoryErrorCode.LEGACY_XLS),
        (b"<html><body>not a workbook</body></html>", "cadres.xlsx", DirectoryErrorCode.CORRUPT_XLSX),
        (b"", "empty.csv", DirectoryErrorCode.EMPTY),
        (b"\r\n,,\r\n", "blank.csv", DirectoryErrorCode.EMPTY),
    ],
)
def test_files_that_are_not_cadre_spreadsheets_are_refused(data, name, code):
    assert file_error(data, name).code == code


def test_a_truncated_xlsx_is_refused(departments):
    data = xlsx_bytes(cadre_rows(200))
    assert file_error(data[: len(data) // 2], "cut.xlsx").code == DirectoryErrorCode.CORRUPT_XLSX


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert file_error(buffer.getvalue(), "report.xlsx").code == DirectoryErrorCode.CORRUPT_XLSX


def test_missing_headers_are_listed_with_the_headers_found():
    error = file_error(csv_bytes([["张伟", "13800138000"]], header=["名字", "电话"]), "cadres.csv")
    assert error.code == DirectoryErrorCode.MISSING_COLUMNS
    for text in ("姓名", "手机号", "部门编码", "名字", "电话"):
        assert text in error.message


def test_a_header_only_file_has_no_rows():
    assert file_error(csv_bytes([]), "cadres.csv").code == DirectoryErrorCode.NO_ROWS


def test_a_column_given_twice_is_refused():
    error = file_error(
        csv_bytes([["张伟", "张伟", "13800138000", "D01"]], header=["姓名", "name", "手机号", "部门编码"]), "a.csv"
    )
    assert error.code == DirectoryErrorCode.DUPLICATE_COLUMN


# --- headers and rows --------------------------------------------------------------------------------------


def test_english_headers_starred_headers_and_leading_blank_rows(departments):
    header = ["Name", "Phone*", "Department Code", "post", "RANK", "party_member"]
    parsed = parse(xlsx_bytes([ZHANG], header=header, leading_blank_rows=2))
    assert parsed.rows[0].number == 4  # the row number Excel shows
    assert set(parsed.headers) == {"name", "phone", "department_code", "post", "rank", "is_party_member"}


def test_unknown_columns_are_ignored_with_a_warning(departments):
    result = plan(xlsx_bytes([[*ZHANG, "男"]], header=[*HEADER, "性别"]))
    assert result.counts()["create"] == 1
    assert any("性别" in warning for warning in result.warnings)


def test_blank_rows_are_skipped_but_rows_missing_a_required_cell_are_rejected(departments):
    rows = [ZHANG, ["", "", "", "", "", ""], ["王芳", "", "D01"], LI]
    result = plan(xlsx_bytes(rows))
    assert result.counts() == {"create": 2, "update": 0, "unchanged": 0, "rejected": 1}
    (rejected,) = result.rejected
    assert rejected.number == 4
    assert rejected.codes == [DirectoryErrorCode.MISSING_VALUE]
    assert "手机号" in rejected.reason


def test_each_bad_row_is_reported_with_its_row_number_and_every_reason(departments):
    DepartmentFactory(code="OLD", name="已撤销的局", is_active=False)
    rows = [
        ["甲", "12345", "D01"],
        ["乙", "010 6552 9988", "D01"],  # a Beijing landline
        ["丙", "13700137000", "NOPE"],
        ["丁", "13600136000", "OLD"],
        ["戊", "13500135000", "D01", "", "处长级"],
        ["己", "13400134000", "D01", "", "", "也许"],
        ["庚", "12", "NOPE"],
        ["辛" * 51, "13300133000", "D01"],
    ]
    result = plan(xlsx_bytes(rows))
    assert not result.create
    codes = {row.number: row.codes for row in result.rejected}
    assert codes == {
        2: [DirectoryErrorCode.BAD_PHONE],
        3: [DirectoryErrorCode.NOT_MOBILE],
        4: [DirectoryErrorCode.UNKNOWN_DEPARTMENT],
        5: [DirectoryErrorCode.INACTIVE_DEPARTMENT],
        6: [DirectoryErrorCode.BAD_RANK],
        7: [DirectoryErrorCode.BAD_PARTY_MEMBER],
        8: [DirectoryErrorCode.BAD_PHONE, DirectoryErrorCode.UNKNOWN_DEPARTMENT],
        9: [DirectoryErrorCode.TOO_LONG],
    }
    reasons = {row.number: row.reason for row in result.rejected}
    assert "12345" in reasons[2] and "NOPE" in reasons[4] and "处长级" in reasons[6]


def test_two_rows_with_the_same_phone_are_both_rejected(departments):
    rows = [ZHANG, LI, ["张伟二", "+86 138-0013-8000", "D02"]]
    result = plan(xlsx_bytes(rows))
    assert [row.number for row in result.create] == [3]
    rejected = {row.number: row for row in result.rejected}
    assert set(rejected) == {2, 4}
    assert rejected[2].codes == [DirectoryErrorCode.DUPLICATE_IN_FILE] and "4" in rejected[2].reason
    assert "2" in rejected[4].reason


def test_spaces_padding_a_chinese_name_are_dropped(departments):
    result = plan(xlsx_bytes([["张\u3000 三", "13800138000", "D01"]], header=HEADER[:3]))
    assert result.create[0].cadre.name == "张三"


@pytest.mark.parametrize(
    ("cell", "rank"),
    [
        ("科员", Rank.STAFF),
        ("副科级", Rank.DEPUTY_SECTION),
        ("正处", Rank.DIVISION),
        ("deputy_bureau", Rank.DEPUTY_BUREAU),
    ],
)
def test_ranks_by_chinese_label_or_code(departments, cell, rank):
    result = plan(xlsx_bytes([["张伟", "13800138000", "D01", "", cell]], header=HEADER[:5]))
    assert result.create[0].cadre.rank == rank


@pytest.mark.parametrize(("cell", "expected"), [("是", True), ("N", False), ("0", False), ("TRUE", True), ("", True)])
def test_party_member_answers(departments, cell, expected):
    result = plan(xlsx_bytes([["张伟", "13800138000", "D01", "", "", cell]]))
    assert result.create[0].cadre.is_party_member is expected


# --- applying ----------------------------------------------------------------------------------------------


def test_nothing_is_written_while_a_row_is_rejected(departments):
    result = plan(xlsx_bytes([ZHANG, ["王芳", "123", "D01"]]))
    with pytest.raises(importing.ImportRefused) as excinfo:
        importing.apply_plan(result)
    assert excinfo.value.code == DirectoryErrorCode.REJECTED_ROWS
    assert not Cadre.objects.exists()


def test_only_valid_imports_the_valid_rows_and_skips_the_rest(departments):
    result = plan(xlsx_bytes([ZHANG, ["王芳", "123", "D01"], LI]))
    counts = importing.apply_plan(result, only_valid=True)
    assert counts == {"create": 2, "update": 0, "unchanged": 0, "rejected": 1}
    assert set(Cadre.objects.values_list("name", flat=True)) == {"张伟", "李秀英"}


def test_reimporting_the_same_file_changes_nothing(departments):
    data = xlsx_bytes([ZHANG, LI])
    importing.apply_plan(plan(data))
    before = list(Cadre.objects.order_by("pk").values())

    again = plan(data)
    assert again.counts() == {"create": 0, "update": 0, "unchanged": 2, "rejected": 0}
    with CaptureQueriesContext(connection) as ctx:
        importing.apply_plan(again)
    assert not [q for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert list(Cadre.objects.order_by("pk").values()) == before


def test_a_known_phone_updates_the_cadre_and_keeps_an_sms_opt_out(departments):
    opted_out_at = timezone.now() - timezone.timedelta(days=30)
    cadre = CadreFactory(name="张伟", phone="+8613800138000", department=departments["D02"], post="科员")
    Cadre.objects.filter(pk=cadre.pk).update(sms_opt_in=False, sms_opt_in_changed_at=opted_out_at)

    result = plan(xlsx_bytes([ZHANG]))
    assert result.counts()["update"] == 1
    labels = {label for label, _old, _new in result.update[0].changes}
    assert len(labels) == 3  # department, post, rank
    importing.apply_plan(result)

    cadre.refresh_from_db()
    assert (cadre.department_id, cadre.post, cadre.rank) == (departments["D01"].pk, "办公室主任", Rank.SECTION)
    assert cadre.sms_opt_in is False
    assert cadre.sms_opt_in_changed_at == opted_out_at


def test_a_blank_optional_cell_keeps_the_current_value(departments):
    CadreFactory(name="张伟", phone="+8613800138000", department=departments["D01"], post="局长", rank=Rank.DIVISION)
    result = plan(xlsx_bytes([["张伟", "13800138000", "D01", "", "", ""]]))
    assert result.counts()["unchanged"] == 1


def test_a_stale_plan_is_refused_whole_when_the_list_changed_meanwhile(departments):
    result = plan(xlsx_bytes([LI, ZHANG]))
    CadreFactory(name="别人", phone="+8613800138000", department=departments["D02"])
    with pytest.raises(importing.ImportRefused) as excinfo:
        importing.apply_plan(result)
    assert excinfo.value.code == CommonErrorCode.CONFLICT
    assert list(Cadre.objects.values_list("name", flat=True)) == ["别人"]


def _queries(callable_):
    with CaptureQueriesContext(connection) as ctx:
        result = callable_()
    return len(ctx.captured_queries), result


def test_planning_queries_do_not_grow_with_rows_and_writes_are_batched(departments):
    few_data, many_data = xlsx_bytes(cadre_rows(50)), xlsx_bytes(cadre_rows(500, start=1000))
    plan_few, few = _queries(lambda: plan(few_data))
    plan_many, many = _queries(lambda: plan(many_data))
    assert plan_few == plan_many == 2  # departments, then cadres by phone

    apply_few, _ = _queries(lambda: importing.apply_plan(few))
    apply_many, _ = _queries(lambda: importing.apply_plan(many))
    # SQLite allows 999 parameters a statement, so Django splits the inserts into ~90 rows each;
    # what matters is that the count follows batches, not rows.
    assert apply_many <= apply_few + 500 // 50
    assert Cadre.objects.count() == 550

    # Updating every row: still batched.
    Cadre.objects.update(post="")
    update_plan = plan(many_data)
    assert update_plan.counts()["update"] == 500
    apply_update, _ = _queries(lambda: importing.apply_plan(update_plan))
    assert apply_update <= 500 // 50


# --- the admin flow ----------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.COMPLAINTS_PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


def _upload(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_preview_stores_the_file_and_confirm_applies_it_once(departments, media, django_user_model):
    user = django_user_model.objects.create_user("hr", password="pw")
    cadre_import = importing.preview_upload(_upload(xlsx_bytes([ZHANG, LI]), "名册.xlsx"), user)
    assert cadre_import.status == CadreImport.Status.PREVIEWED
    assert cadre_import.original_name == "名册.xlsx"
    assert cadre_import.summary["counts"]["create"] == 2
    assert not Cadre.objects.exists()

    counts = importing.confirm_import(cadre_import, user)
    assert counts["create"] == 2
    cadre_import.refresh_from_db()
    assert cadre_import.status == CadreImport.Status.APPLIED
    assert cadre_import.applied_at is not None
    assert cadre_import.summary["applied_by"] == "hr"

    with pytest.raises(importing.ImportRefused) as excinfo:
        importing.confirm_import(CadreImport.objects.get(pk=cadre_import.pk), user)
    assert excinfo.value.code == DirectoryErrorCode.NOT_PENDING
    assert Cadre.objects.count() == 2


def test_confirm_recomputes_the_plan(departments, media):
    cadre_import = importing.preview_upload(_upload(xlsx_bytes([ZHANG]), "名册.xlsx"), None)
    # Someone adds the same cadre by hand between preview and confirmation.
    CadreFactory(name="张伟", phone="+8613800138000", department=departments["D02"])
    counts = importing.confirm_import(cadre_import, None)
    assert counts == {"create": 0, "update": 1, "unchanged": 0, "rejected": 0}
    assert Cadre.objects.get().department == departments["D01"]


def test_confirm_with_rejected_rows_needs_only_valid(departments, media):
    cadre_import = importing.preview_upload(_upload(xlsx_bytes([ZHANG, ["王芳", "1", "D01"]]), "名册.xlsx"), None)
    with pytest.raises(importing.ImportRefused):
        importing.confirm_import(cadre_import, None)
    cadre_import.refresh_from_db()
    assert cadre_import.status == CadreImport.Status.PREVIEWED
    assert not Cadre.objects.exists()

    importing.confirm_import(cadre_import, None, only_valid=True)
    assert list(Cadre.objects.values_list("name", flat=True)) == ["张伟"]
    assert CadreImport.objects.get().summary["rejected"] == [
        {"row": 3, "reason": cadre_import.summary["rejected"][0]["reason"]}
    ]


@pytest.mark.django_db
def test_a_file_level_problem_stores_nothing(media):
    with pytest.raises(importing.ImportFileError):
        importing.preview_upload(_upload(b"not, a, cadre, list\r\n1,2,3,4\r\n", "x.csv"), None)
    assert not CadreImport.objects.exists()
    assert not list(media.rglob("*.csv"))


# --- workbooks as Excel and WPS write them -----------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def excel_workbook(sheets, shared_strings, active_tab=0):
    """A workbook laid out as Excel saves it: shared strings, an absolute part path, several sheets."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" Target="/xl/workbook.xml" '
            f'Type="{RELS}/officeDocument"/></Relationships>',
        )
        sheet_entries = "".join(
            f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (name, _xml) in enumerate(sheets)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView activeTab="{active_tab}"/>'
            f"</bookViews><sheets>{sheet_entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{RELS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(sheets))
        )
        rels += f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PACKAGE_RELS}">{rels}</Relationships>')
        for i, (_name, xml) in enumerate(sheets):
            archive.writestr(
                f"xl/worksheets/sheet{i + 1}.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{xml}</sheetData></worksheet>'
            )
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{shared_strings}</sst>')
    return buffer.getvalue()


def test_a_workbook_as_excel_writes_it(departments):
    strings = (
        "<si><t>姓名</t></si><si><t>手机号</t></si><si><t>部门编码</t></si><si><t>是否党员</t></si>"
        # Rich text with a phonetic guide, as Excel keeps for names typed with an IME.
        "<si><r><t>张</t></r><r><rPr><b/></rPr><t>伟</t></r><rPh sb='0' eb='1'><t>zhang</t></rPh></si>"
        "<si><t>D01</t></si><si><t>李_x0020_秀英</t></si>"
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
        '<c r="D1" t="s"><v>3</v></c></row>'
        # Row 2 is empty, so Excel leaves it out; the phone was typed as a number; 是否党员 is a boolean.
        '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3"><v>1.3800138E10</v></c><c r="C3" t="s"><v>5</v></c>'
        '<c r="D3" t="b"><v>0</v></c></row>'
        # Cells without references, a formula's cached text, an inline string.
        '<row><c t="s"><v>6</v></c><c t="str"><f>"139"&amp;"00139000"</f><v>13900139000</v></c>'
        '<c t="inlineStr"><is><t>D02</t></is></c></row>'
    )
    other = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    data = excel_workbook([("说明", other), ("名册", sheet)], strings, active_tab=1)

    parsed = parse(data)
    assert [(row.number, row.values) for row in parsed.rows] == [
        (3, {"name": "张伟", "phone": "13800138000", "department_code": "D01", "is_party_member": "0"}),
        (4, {"name": "李 秀英", "phone": "13900139000", "department_code": "D02", "is_party_member": ""}),
    ]
    assert any("名册" in warning for warning in parsed.warnings)  # only the active sheet was read


def test_a_workbook_with_too_many_rows_is_refused(departments, monkeypatch):
    monkeypatch.setattr(importing.cells, "MAX_DATA_ROWS", 5)
    assert file_error(xlsx_bytes(cadre_rows(6)), "big.xlsx").code == DirectoryErrorCode.TOO_MANY_ROWS
    assert file_error(csv_bytes(cadre_rows(6)), "big.csv").code == DirectoryErrorCode.TOO_MANY_ROWS
    assert len(parse(xlsx_bytes(cadre_rows(5))).rows) == 5


def test_a_zip_bomb_is_refused_before_it_is_inflated(monkeypatch):
    monkeypatch.setattr(importing.xlsx, "MAX_XML_BYTES", 10_000)
    assert file_error(xlsx_bytes(cadre_rows(500)), "bomb.xlsx").code == DirectoryErrorCode.TOO_LARGE
