"""Find a submodule (``demo``, ``tasks`` ...) in each of our own apps, in INSTALLED_APPS order."""

from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule


def our_submodules(name):
    """Import and return ``<app>.<name>`` for every app of this project (not third-party ones) that has one."""
    base_dir = Path(settings.BASE_DIR).resolve()
    modules = []
    for app_config in apps.get_app_configs():
        ours = Path(app_config.path).resolve().parent == base_dir
        if ours and module_has_submodule(app_config.module, name):
            modules.append(import_module(f"{app_config.name}.{name}"))
    return modules
