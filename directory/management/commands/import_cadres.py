from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from directory import importing


class Command(BaseCommand):
    help = (
        "Import cadres from an HR spreadsheet (.xlsx or .csv): columns 姓名, 手机号, 部门编码 and optionally "
        "职务, 职级, 是否党员. Writes nothing while any row is rejected, unless --only-valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .xlsx or .csv file")
        parser.add_argument(
            "--only-valid", action="store_true", help="import the valid rows even when some rows are rejected"
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")

    def handle(self, *args, file, only_valid=False, dry_run=False, verbosity=1, **options):
        try:
            with file.open("rb") as fileobj:
                plan = importing.plan_import(importing.parse_file(fileobj, file.name))
        except OSError as exc:
            raise CommandError(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": exc.strerror}) from exc
        except importing.ImportFileError as error:
            raise CommandError(error.message) from error

        counts = plan.counts()
        self.stdout.write(
            _("%(create)s to add, %(update)s to update, %(unchanged)s unchanged, %(rejected)s rejected.") % counts
        )
        for warning in plan.warnings:
            self.stdout.write(self.style.WARNING(str(warning)))
        for row in plan.rejected:
            self.stdout.write(
                self.style.ERROR(_("Row %(row)s: %(reason)s") % {"row": row.number, "reason": row.reason})
            )

        if plan.rejected and not only_valid:
            raise CommandError(
                _("Nothing was imported: %(count)s rows are rejected. Fix them, or run again with --only-valid.")
                % {"count": counts["rejected"]}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return

        total = counts["create"] + counts["update"]
        # tqdm needs the raw stream: Django's OutputWrapper appends a newline to every write.
        with tqdm(total=total, unit=_("rows"), file=self.stderr._out, disable=verbosity == 0 or not total) as bar:
            try:
                counts = importing.apply_plan(plan, only_valid=only_valid, progress=bar.update)
            except importing.CadreImportError as error:
                raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(create)s added, %(update)s updated, %(unchanged)s unchanged, %(rejected)s skipped.")
                % counts
            )
        )
