import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po catalogue of the project to .mo in pure Python (no GNU gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recompile even when the .mo file is newer.")

    def handle(self, *args, force=False, **options):
        compiled = 0
        for locale_dir in self.locale_dirs():
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue = polib.pofile(str(po_path))
                # Written aside, then renamed: a test run reading the catalogue never sees half a file.
                partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.partial")
                catalogue.save_as_mofile(str(partial))
                os.replace(partial, mo_path)
                compiled += 1
                self.stdout.write(
                    f"compiled {po_path.relative_to(settings.BASE_DIR)} ({catalogue.percent_translated()}%)"
                )
        self.stdout.write(self.style.SUCCESS(f"{compiled} catalogue(s) compiled"))

    @staticmethod
    def locale_dirs():
        base = Path(settings.BASE_DIR)
        dirs = [Path(p) for p in settings.LOCALE_PATHS]
        dirs += [p for p in base.glob("*/locale") if p.is_dir() and ".venv" not in p.parts]
        return [d for d in dict.fromkeys(dirs) if d.is_dir()]
