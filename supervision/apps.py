from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("Electronic supervision")

    def ready(self):
        from django.db.models.signals import post_save

        from core.events import domain_event, domain_events
        from supervision import audit_labels, checks, receivers  # noqa: F401 -- checks registers the deploy check

        audit_labels.register()

        # Every source's events, whoever sends them: supervision imports no source app.
        domain_event.connect(receivers.on_domain_event, dispatch_uid="supervision.ingest")
        domain_events.connect(receivers.on_domain_events, dispatch_uid="supervision.ingest_many")
        post_save.connect(
            receivers.on_moderation_action, sender="forum.ModerationAction", dispatch_uid="supervision.moderation"
        )
        post_save.connect(
            receivers.on_threshold_saved, sender="supervision.ThresholdPolicy", dispatch_uid="supervision.thresholds"
        )
        receivers.attach_sms_audit_handler()
