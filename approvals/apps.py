from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = _("Online approval")

    def ready(self):
        from approvals import checks, recompute  # noqa: F401 (checks registers itself)
        from core.calendar import register_recomputer

        register_recomputer(recompute.NAME, recompute.recompute_deadlines)
