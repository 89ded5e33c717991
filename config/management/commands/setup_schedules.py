from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.schedules import sync_schedules


class Command(BaseCommand):
    help = "Create or update the recurring task schedules that the apps declare in code."

    def handle(self, *args, **options):
        created, updated = sync_schedules()
        for name in created:
            self.stdout.write(_("Created schedule %(name)s") % {"name": name})
        self.stdout.write(_("%(count)s schedules are up to date.") % {"count": len(created) + len(updated)})
