from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from supervision import audit
from supervision.models import ChainHead


class Command(BaseCommand):
    help = "Check the audit chain and its signed checkpoints; name the first altered, inserted or deleted record."

    def handle(self, *args, **options):
        problems = audit.verify()
        head = ChainHead.objects.filter(pk=1).first()
        if not problems:
            self.stdout.write(
                self.style.SUCCESS(_("Audit chain intact: %(n)d records.") % {"n": head.seq if head else 0})
            )
            return
        self.stdout.write(
            self.style.ERROR(_("The audit chain has been tampered with. First problem: %(p)s") % {"p": problems[0]})
        )
        for problem in problems[1:]:
            self.stdout.write(f"  {problem}")
        raise SystemExit(1)
