from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sms"
    verbose_name = _("SMS")

    def ready(self):
        from core.events import register_labels

        # The audit chain records this about the sms; supervision's lists show the word (core.events.label_for).
        register_labels("sms", events={"sms.audit": pgettext_lazy("audit kind", "SMS campaign change")})
