"""CI time: the whole demo (30-50 s a load) is loaded once per test run, by tests/demo.py, not by each test."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
LOAD = re.compile(r"\bload_demo\(|call_command\(\s*[\"']load_demo[\"']")
# The directory's own demo tests rerun only the directory's steps (directory_steps_only) or the --if-empty path.
ALLOWED = {"demo.py", "directory/test_demo.py"}


def test_only_the_shared_fixture_loads_the_whole_demo():
    loaders = {
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if "browser" not in path.parts and LOAD.search(path.read_text(encoding="utf-8"))
    }
    extra = loaders - ALLOWED
    assert not extra, f"use the `demo` fixture (tests/demo.py) instead of loading the demo in {extra}"


def test_the_directory_reruns_are_restricted_to_its_own_steps():
    text = (TESTS / "directory/test_demo.py").read_text(encoding="utf-8")
    for test in re.split(r"\n(?=def test_)", text):
        if re.search(r"\bload_demo\(", test):
            assert "directory_steps_only(monkeypatch)" in test, test.splitlines()[0]
