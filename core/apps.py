from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared services")

    def ready(self):
        from django.core.checks import register

        from core import checks, events, outage, pagecache

        register(checks.next_year_schedule)
        events.register_labels("core", events=events.CORE_EVENT_LABELS)

        # A complaint or application change committed during a request that then fails: say it was saved.
        events.domain_event.connect(outage.note_committed, dispatch_uid="core.outage.note_committed")
        events.domain_events.connect(outage.note_committed_batch, dispatch_uid="core.outage.note_committed_batch")

        # Published pages, snippets, settings, the catalogue and public cases purge the public page cache.
        pagecache.register_signal_handlers()
