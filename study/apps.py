from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "study"
    verbose_name = _("Study")

    def ready(self):
        from core.points import points_earned
        from study import receivers

        points_earned.connect(receivers.on_points_earned, dispatch_uid="study.ledger")
