from django.core.exceptions import ValidationError
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.snippets.models import register_snippet

from core.admin_menu import PermittedMenuItem
from quizzes import admin_views
from quizzes.models import SmsQuestion
from quizzes.viewsets import QuizViewSetGroup

register_snippet(QuizViewSetGroup)


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    return [path("quizzes/", include((admin_views.admin_urls(), "quizzes_admin"), namespace="quizzes_admin"))]


@hooks.register("register_reports_menu_item")
def register_statistics_menu():
    return PermittedMenuItem(
        gettext_lazy("Quiz statistics"),
        reverse("quizzes_admin:statistics"),
        icon_name="table",
        order=700,
        permission=admin_views.STATS_PERMISSION,
    )


@hooks.register("after_create_snippet")
def prepare_sms_campaign(request, instance):
    """A new day's SMS question goes straight to approval as a campaign written from it."""
    if not isinstance(instance, SmsQuestion):
        return
    from quizzes.sms_quiz import prepare_campaign

    try:
        prepare_campaign(instance, request.user)
    except ValidationError as exc:
        messages.error(
            request, _("The SMS campaign could not be prepared: %(error)s") % {"error": " ".join(exc.messages)}
        )
    else:
        messages.success(request, _("The day's SMS campaign was written and waits for a reviewer's approval."))
