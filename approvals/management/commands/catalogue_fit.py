"""List the approval items whose procedure steps cannot fit their promised time limit; exit 1 when any."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from approvals.checks import items_that_do_not_fit


class Command(BaseCommand):
    help = "List the approval items whose procedure steps take longer than their promised time limit."

    def handle(self, *args, **options):
        misfits = items_that_do_not_fit()
        for item, problem in misfits:
            self.stdout.write(f"{item.code}\t{item.name}\t{problem}")
        if misfits:
            self.stderr.write(_("%(count)d items do not fit their promised time limit.") % {"count": len(misfits)})
            raise SystemExit(1)
        self.stdout.write(_("Every approval item's procedure fits its promised time limit."))
