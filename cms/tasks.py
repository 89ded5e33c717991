from django.core.management import call_command

from cms.services import withdraw_unapproved_schedules
from core.schedules import Every


def publish_scheduled_pages():
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's scheduled publishing)."""
    withdraw_unapproved_schedules()
    call_command("publish_scheduled")


SCHEDULES = [Every("cms.publish_scheduled", "cms.tasks.publish_scheduled_pages", minutes=1)]
