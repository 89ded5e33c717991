"""The upgrade to object storage: `manage.py copy_files_to_storage` copies the local files of an earlier release
(media, private uploads, audit checkpoints) into the bucket under the same names, against a real S3 API (moto's
server, tests/fakes/s3_server.py). A rerun copies nothing; a dry run writes nothing; without object storage it
refuses, in Chinese by default."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

FILES = {
    "media": {"original_images/seal.jpg": b"\xff\xd8jpeg", "documents/rules.pdf": b"%PDF-1.7 rules"},
    "private": {"complaints/2025/11/a1b2.jpg": b"\xff\xd8attachment", "materials/42/licence.pdf": b"%PDF licence"},
    "audit": {"checkpoint-2025-11-30.json": b'{"seq": 9}'},
}
PREFIX = {"media": "media", "private": "private", "audit": "audit"}


@pytest.fixture
def old_volumes(tmp_path, settings):
    """The three local directories of an earlier release, named by the settings as the image did (/data/...)."""
    roots = {area: tmp_path / area for area in FILES}
    for area, files in FILES.items():
        for name, content in files.items():
            path = roots[area] / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    settings.MEDIA_ROOT = roots["media"]
    settings.COMPLAINTS_PRIVATE_ROOT = roots["private"]
    settings.SUPERVISION_CHECKPOINT_DIR = str(roots["audit"])
    return roots


def _run(*args, language="en"):
    out, err = io.StringIO(), io.StringIO()
    with translation.override(language):
        call_command("copy_files_to_storage", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _expected_keys():
    return sorted(f"{PREFIX[area]}/{name}" for area, files in FILES.items() for name in files)


def test_every_local_file_is_copied_under_its_name_and_a_rerun_copies_nothing(old_volumes, object_storage):
    out, _ = _run()
    assert sorted(object_storage.keys()) == _expected_keys()
    for area, files in FILES.items():
        for name, content in files.items():
            assert object_storage.read(f"{PREFIX[area]}/{name}") == content
    assert "Public media" in out and "2 copied, 0 already there, 0 failed" in out
    assert "Audit checkpoints" in out and "1 copied, 0 already there, 0 failed" in out

    # The app reads them through its storages, under the names its rows hold.
    from django.core.files.storage import default_storage

    from core.storage import checkpoint_storage, private_storage

    assert default_storage.open("documents/rules.pdf").read() == b"%PDF-1.7 rules"
    assert private_storage().open("materials/42/licence.pdf").read() == b"%PDF licence"
    assert checkpoint_storage().exists("checkpoint-2025-11-30.json")

    before = {
        key: object_storage.client.head_object(Bucket=object_storage.bucket, Key=key)["ETag"]
        for key in _expected_keys()
    }
    out, _ = _run()
    assert out.count("0 copied") == 3 and "2 already there" in out and "1 already there" in out
    assert sorted(object_storage.keys()) == _expected_keys()
    assert {
        key: object_storage.client.head_object(Bucket=object_storage.bucket, Key=key)["ETag"] for key in before
    } == before


def test_a_dry_run_counts_and_writes_nothing(old_volumes, object_storage):
    out, _ = _run("--dry-run")
    assert object_storage.keys() == []
    assert "nothing was written" in out and out.count("to copy") == 3 and "2 to copy" in out
    out, _ = _run("--dry-run", language="zh-hans")
    assert object_storage.keys() == []
    assert "试运行" in out and "公开媒体文件" in out and "待复制 2 个，已存在 0 个，失败 0 个" in out


def test_only_missing_files_are_copied_and_source_directories_can_be_named(old_volumes, object_storage, tmp_path):
    object_storage.client.put_object(
        Bucket=object_storage.bucket, Key="media/documents/rules.pdf", Body=b"%PDF-1.7 rules"
    )
    mounted = tmp_path / "mnt-media"
    (mounted / "images").mkdir(parents=True)
    (mounted / "images" / "x.png").write_bytes(b"png")
    out, _ = _run("--media", str(mounted))
    assert "media/images/x.png" in object_storage.keys()
    assert "media/original_images/seal.jpg" not in object_storage.keys()  # the setting's directory was not read
    assert "1 copied, 0 already there" in out


def test_a_different_object_under_the_same_name_is_never_overwritten_and_the_run_fails(old_volumes, object_storage):
    object_storage.client.put_object(
        Bucket=object_storage.bucket, Key="private/materials/42/licence.pdf", Body=b"other"
    )
    with pytest.raises(CommandError, match="1 files could not be copied"):
        _run()
    assert object_storage.read("private/materials/42/licence.pdf") == b"other"
    assert len(object_storage.keys()) == len(_expected_keys())  # every other file was still copied


def test_a_missing_directory_is_skipped(old_volumes, object_storage, settings, tmp_path):
    settings.SUPERVISION_CHECKPOINT_DIR = str(tmp_path / "none")
    out, _ = _run()
    assert "not found, skipped" in out and not object_storage.keys("audit/")


def test_without_object_storage_it_refuses_in_chinese_and_copies_nothing(old_volumes, settings):
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    with pytest.raises(CommandError) as refused, translation.override("zh-hans"):
        call_command("copy_files_to_storage", stdout=io.StringIO())
    assert "对象存储" in str(refused.value) and "S3_BUCKET" in str(refused.value)
    assert "公开媒体文件、非公开上传文件、审计检查点" in str(refused.value)
    with pytest.raises(CommandError, match="Object storage is not configured"), translation.override("en"):
        call_command("copy_files_to_storage", stdout=io.StringIO())
