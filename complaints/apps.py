from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import recompute
        from complaints.models import Status
        from complaints.services.reports import monthly_by_department
        from complaints.workflow import EVENT_LABELS
        from core.calendar import register_recomputer
        from core.events import register_labels
        from core.figures import register as register_figures

        register_recomputer(recompute.NAME, recompute.recompute_deadlines)
        # Published for the public performance report of online approval (阳光政务), which may not import us.
        register_figures("complaints.by_department", monthly_by_department)
        register_labels("complaints", events=EVENT_LABELS, states=dict(Status.choices))
