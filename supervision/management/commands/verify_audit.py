from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from supervision import audit


class Command(BaseCommand):
    help = "Check the audit chain and its signed checkpoints; name the first altered, inserted or deleted record."

    def handle(self, *args, **options):
        report = audit.check()
        problems = report.problems
        if not problems:
            self.stdout.write(self.style.SUCCESS(_("Audit chain intact: %(n)d records.") % {"n": report.records}))
            if report.checkpoints:
                self.stdout.write(_("Signed checkpoints verified: %(m)d.") % {"m": report.checkpoints})
            else:
                self.stdout.write(
                    self.style.WARNING(
                        _(
                            "No signed checkpoint yet: only the chain's internal consistency was verified. Someone "
                            "able to write the database could have rebuilt the whole chain without it showing here."
                        )
                    )
                )
            return
        self.stdout.write(
            self.style.ERROR(_("The audit chain has been tampered with. First problem: %(p)s") % {"p": problems[0]})
        )
        for problem in problems[1:]:
            self.stdout.write(f"  {problem}")
        raise SystemExit(1)
