"""manage.py copy_files_to_storage [--dry-run] [--media DIR] [--private DIR] [--audit DIR]: the upgrade to object
storage, copying the local files of earlier releases into the bucket (core/storage_copy.py, docs/production.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.storage_copy import AREAS, NotConfigured, copy_files_to_storage


class Command(BaseCommand):
    help = (
        "Copy the files kept on local disk by an earlier release (media, private uploads, audit checkpoints) into "
        "the configured object storage, under the same names. Files already there with the same size are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be copied; write nothing.")
        for area in AREAS:
            parser.add_argument(
                f"--{area.name}",
                type=Path,
                default=None,
                help=f"Source directory (default: settings.{area.root_setting}).",
            )

    def handle(self, *args, dry_run=False, **options):
        try:
            results = copy_files_to_storage({area.name: options.get(area.name) for area in AREAS}, dry_run=dry_run)
        except NotConfigured as exc:
            raise CommandError(
                _(
                    "Object storage is not configured (S3_BUCKET is not set): %(areas)s are still kept on local "
                    "disk, so there is nowhere to copy them to. Nothing was copied."
                )
                % {"areas": pgettext("list separator", ", ").join(str(area.label) for area in exc.areas)}
            ) from None
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        failed = 0
        for result in results:
            label = str(result.area.label)
            if not result.found:
                self.stdout.write(_("%(area)s: %(dir)s not found, skipped.") % {"area": label, "dir": result.source})
                continue
            for name, why in result.failed:
                self.stderr.write(_("%(area)s: %(name)s failed: %(why)s") % {"area": label, "name": name, "why": why})
            counts = {
                "area": label,
                "dir": result.source,
                "copied": len(result.copied),
                "present": len(result.present),
                "failed": len(result.failed),
            }
            line = (
                _("%(area)s (%(dir)s): %(copied)d to copy, %(present)d already there, %(failed)d failed")
                if dry_run
                else _("%(area)s (%(dir)s): %(copied)d copied, %(present)d already there, %(failed)d failed")
            )
            self.stdout.write(line % counts)
            failed += len(result.failed)
        if failed:
            raise CommandError(
                _("%(failed)d files could not be copied; run the command again once fixed.") % {"failed": failed}
            )
