from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        # Registers the SMS quiz's reply handler with sms.replies.
        from quizzes import sms_quiz  # noqa: F401
