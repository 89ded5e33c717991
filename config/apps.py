from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """Project wiring: settings, URLs and the project-wide management commands."""

    name = "config"
    verbose_name = _("Site configuration")
