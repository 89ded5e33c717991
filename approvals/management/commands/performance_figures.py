"""Recompute the public performance figures (阳光政务) of the last N months now (the schedule does the last two)."""

from django.core.management.base import BaseCommand

from approvals import performance


class Command(BaseCommand):
    help = "Recompute the public performance figures of the last N months (default 12)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=performance.MONTHS_SHOWN)

    def handle(self, *args, months, **options):
        written = performance.refresh(performance.recent_months(max(1, min(months, 120))))
        self.stdout.write(f"{written} rows")
