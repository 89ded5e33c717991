"""manage.py holiday_schedule import YEAR FILE [--dry-run] | show YEAR: the office's holiday schedule by command."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core import calendar
from core.holiday_notice import NoticeError, parse_notice


class Command(BaseCommand):
    help = "Enter a year's holiday schedule from the State Council's notice, or show a year's schedule."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Read the notice's text from FILE and save the year.")
        importing.add_argument("year", type=int)
        importing.add_argument("file", type=Path)
        importing.add_argument("--dry-run", action="store_true", help="Print the dates; save nothing.")
        showing = actions.add_parser("show", help="Print the year's dates as the working-day calendar uses them.")
        showing.add_argument("year", type=int)

    def handle(self, *args, action, year, **options):
        if action == "show":
            self._print(calendar.effective_entries(year))
            return
        try:
            text = options["file"].read_text(encoding="utf-8")
            notice = parse_notice(text, year)
            if not options["dry_run"]:
                calendar.save_schedule(notice, notice_text=text)
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except NoticeError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self._print(notice.entries)

    def _print(self, entries):
        for entry in sorted(entries, key=lambda e: e.date):
            self.stdout.write(f"{entry.date:%Y-%m-%d} {entry.kind}" + (f" {entry.name}" if entry.name else ""))
