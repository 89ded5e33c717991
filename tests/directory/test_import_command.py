"""`manage.py import_cadres FILE [--only-valid] [--dry-run]`."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from directory.models import Cadre
from tests.directory.factories import CadreFactory, DepartmentFactory
from tests.directory.test_import import LI, ZHANG, cadre_rows, csv_bytes, xlsx_bytes


@pytest.fixture(autouse=True)
def english():
    # The assertions read the command's English source strings; the zh_Hans catalogue would translate them.
    with translation.override("en"):
        yield


@pytest.fixture
def departments(db):
    return [DepartmentFactory(code="D01", name="市教育局"), DepartmentFactory(code="D02", name="市财政局")]


def run(path, *args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_cadres", str(path), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def write(tmp_path):
    def write(data, name="名册.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def test_imports_a_workbook_with_a_progress_bar(departments, write):
    out, err = run(write(xlsx_bytes(cadre_rows(30))))
    assert "30" in out
    assert Cadre.objects.count() == 30
    assert "30/30" in err  # tqdm's bar

    out, _err = run(write(xlsx_bytes(cadre_rows(30))))
    assert Cadre.objects.count() == 30
    assert "0 to add, 0 to update, 30 unchanged" in out


def test_rejected_rows_are_listed_and_nothing_is_written(departments, write):
    path = write(csv_bytes([ZHANG, ["王芳", "12345", "D01"], ["赵敏", "13700137000", "NOPE"]], encoding="gbk"), "a.csv")
    stdout = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_cadres", str(path), stdout=stdout, stderr=io.StringIO())
    out = stdout.getvalue()
    assert "Row 3" in out and "12345" in out
    assert "Row 4" in out and "NOPE" in out
    assert "--only-valid" in str(excinfo.value)
    assert not Cadre.objects.exists()


def test_only_valid_imports_the_rest(departments, write):
    run(write(xlsx_bytes([ZHANG, ["王芳", "12345", "D01"], LI])), "--only-valid")
    assert set(Cadre.objects.values_list("name", flat=True)) == {"张伟", "李秀英"}


def test_dry_run_writes_nothing(departments, write):
    CadreFactory(name="李秀英", phone="+8613900139000", department=departments[0])
    out, _err = run(write(xlsx_bytes([ZHANG, LI])), "--dry-run")
    assert "1 to add, 1 to update" in out
    assert list(Cadre.objects.values_list("name", "department__code")) == [("李秀英", "D01")]


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"<html></html>", "a.xlsx"), (csv_bytes([["x"]], header=["名字"]), "a.csv"), (b"%PDF", "a.pdf")],
)
def test_a_bad_file_is_a_command_error(db, write, data, name):
    with pytest.raises(CommandError):
        run(write(data, name))


def test_a_missing_file_is_a_command_error(db, tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path / "nope.xlsx")
