from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ForumConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from core.events import register_labels

        # The audit chain records this about the forum; supervision's lists show the word (core.events.label_for).
        register_labels("forum", events={"forum.moderation": pgettext_lazy("audit kind", "Forum moderation")})
