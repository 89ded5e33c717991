"""Where files live: the local filesystem by default, S3-compatible object storage when S3_BUCKET is set.

Three storages (settings.STORAGES, docs/configuration.md#files):
- "default": public media (Wagtail images and their renditions, documents, published templates);
- "private": uploads only the app may hand out, after its permission checks (complaint attachments, application
  materials and result documents, cadre spreadsheets); never given a public URL;
- "audit": the signed audit checkpoints (supervision/audit.py).
With object storage every web and worker host sees the same files; nothing another host needs stays on local disk.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _SettingRootStorage(FileSystemStorage):
    """A local directory named by a setting, read on each use, so that tests and deployments can point it elsewhere."""

    root_setting = ""

    @property
    def base_location(self):
        return getattr(settings, self.root_setting)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


class LocalPrivateStorage(_SettingRootStorage):
    """Private uploads on local disk: outside MEDIA_ROOT, so the web server cannot serve them."""

    root_setting = "COMPLAINTS_PRIVATE_ROOT"

    def url(self, name):
        raise ValueError("Private files have no public URL: they are served by permission-checked views.")


class LocalCheckpointStorage(_SettingRootStorage):
    root_setting = "SUPERVISION_CHECKPOINT_DIR"

    def url(self, name):
        raise ValueError("Audit checkpoints have no public URL.")


class _Alias(LazyObject):
    """One of settings.STORAGES, resolved on first use and again after STORAGES changes (as default_storage is)."""

    def __init__(self, alias):
        self.__dict__["_alias"] = alias
        super().__init__()

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]]


_private = _Alias("private")
_audit = _Alias("audit")


@receiver(setting_changed)
def _storages_changed(setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty
        _audit._wrapped = empty


def private_storage():
    """The storage of private uploads; a callable, so that model fields (and their migrations) name it, not a path."""
    return _private


def checkpoint_storage():
    return _audit


def move_to_private(model, field: str) -> int:
    """Move the files of `field` that an earlier release kept in the public default storage into the private one
    (a data migration's step; rows already moved are skipped). Returns how many moved."""
    from django.core.files.storage import default_storage

    private, moved = private_storage(), 0
    for pk, name in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
        if private.exists(name) or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as source:
            saved = private.save(name, source)
        if saved != name:
            model.objects.filter(pk=pk).update(**{field: saved})
        default_storage.delete(name)
        moved += 1
    return moved
