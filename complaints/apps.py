from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import recompute
        from complaints.models import Status
        from complaints.workflow import EVENT_LABELS
        from core.calendar import register_recomputer
        from core.events import register_labels

        register_recomputer(recompute.NAME, recompute.recompute_deadlines)
        register_labels("complaints", events=EVENT_LABELS, states=dict(Status.choices))
