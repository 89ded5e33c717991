"""Copy the files an earlier release kept on local volumes into the object store (`manage.py copy_files_to_storage`).

Releases before object storage wrote public media, private uploads and audit checkpoints under MEDIA_ROOT,
COMPLAINTS_PRIVATE_ROOT and SUPERVISION_CHECKPOINT_DIR. After the upgrade the app reads them from the storages in
settings.STORAGES ("default", "private", "audit"), under the same relative names, so each file is copied to the same
name in the storage of its area. A file already there with the same size is left alone: a rerun copies nothing.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Area:
    name: str  # also the option name of its source directory
    alias: str  # in settings.STORAGES
    root_setting: str  # the local directory of earlier releases
    label: str  # what people read


AREAS = (
    Area("media", "default", "MEDIA_ROOT", pgettext_lazy("storage area", "Public media")),
    Area("private", "private", "COMPLAINTS_PRIVATE_ROOT", pgettext_lazy("storage area", "Private uploads")),
    Area("audit", "audit", "SUPERVISION_CHECKPOINT_DIR", pgettext_lazy("storage area", "Audit checkpoints")),
)


@dataclass
class AreaResult:
    area: Area
    source: Path
    found: bool = True
    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


class NotConfigured(Exception):
    """An area's storage is still the local filesystem: there is nowhere to copy to."""

    def __init__(self, areas: list[Area]):
        super().__init__(", ".join(area.alias for area in areas))
        self.areas = areas


def local_areas() -> list[Area]:
    """The areas whose configured storage is still a local directory (object storage not configured for them)."""
    return [area for area in AREAS if isinstance(storages[area.alias], FileSystemStorage)]


def default_sources() -> dict[str, Path]:
    return {area.name: Path(getattr(settings, area.root_setting)) for area in AREAS}


def _files(root: Path):
    """Relative names (with "/") of every regular file under root, in a stable order."""
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for file_name in sorted(files):
            path = Path(directory) / file_name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def copy_area(area: Area, source: Path, *, dry_run: bool = False) -> AreaResult:
    """Copy every file under `source` to the same name in the area's storage, skipping those already there."""
    result = AreaResult(area, source)
    if not source.is_dir():
        result.found = False
        return result
    storage = storages[area.alias]
    for path, name in _files(source):
        try:
            size = path.stat().st_size
            if storage.exists(name):
                stored = storage.size(name)
                if stored == size:
                    result.present.append(name)
                else:
                    # Never overwrite: names are unique, so a different object under this name needs a person.
                    result.failed.append((name, f"already stored with {stored} bytes, the local file has {size}"))
                continue
            if not dry_run:
                with path.open("rb") as handle:
                    saved = storage.save(name, File(handle, name=name))
                if saved != name:
                    result.failed.append((name, f"stored as {saved}"))
                    continue
            result.copied.append(name)
        except Exception as exc:  # noqa: BLE001 - one unreadable file or failed upload must not stop the others
            result.failed.append((name, f"{type(exc).__name__}: {exc}"))
    return result


def copy_files_to_storage(sources: dict[str, Path] | None = None, *, dry_run: bool = False) -> list[AreaResult]:
    """Copy the local media, private and checkpoint directories into the configured storages (one result per
    area). Raises NotConfigured, before reading anything, if any area's storage is still the local filesystem.
    `sources` maps an area's name ("media", "private", "audit") to its directory; missing ones default to the
    settings' local paths. With dry_run, counts what would be copied and writes nothing."""
    unconfigured = local_areas()
    if unconfigured:
        raise NotConfigured(unconfigured)
    chosen = {**default_sources(), **{k: Path(v) for k, v in (sources or {}).items() if v}}
    return [copy_area(area, chosen[area.name], dry_run=dry_run) for area in AREAS]
