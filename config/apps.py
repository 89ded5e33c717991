from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = _("Site configuration")

    def ready(self):
        from config import events, outage

        # A complaint or application change committed during a request that then fails: say it was saved.
        events.domain_event.connect(outage.note_committed, dispatch_uid="config.outage.note_committed")
