"""A throw-away, migrated database for a single-process benchmark (never the developer's db.sqlite3).

SQLite in a temporary directory unless BENCH_DATABASE_URL names another database, which must hold no data.
"""

import contextlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def throwaway_django(prefix):
    workdir = tempfile.TemporaryDirectory(prefix=prefix)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # Set before Django reads the settings, so .env and the developer's database are never used.
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir.name}/bench.sqlite3")
    os.environ["MEDIA_ROOT"] = workdir.name
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")  # pages rendered through RequestFactory

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    try:
        yield workdir.name
    finally:
        connection.close()
        workdir.cleanup()
