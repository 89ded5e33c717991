from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = _("Online approval")

    def ready(self):
        from approvals import checks, recompute  # noqa: F401 (checks registers itself)
        from approvals.models import State, StepState
        from approvals.tracking import EVENT_LABELS
        from core.calendar import register_recomputer
        from core.events import register_labels

        register_recomputer(recompute.NAME, recompute.recompute_deadlines)
        register_recomputer(recompute.RATINGS, recompute.recompute_rating_answers)
        # Application events carry the application's states; step states fill in any the application lacks.
        register_labels("approvals", events=EVENT_LABELS, states={**dict(StepState.choices), **dict(State.choices)})
