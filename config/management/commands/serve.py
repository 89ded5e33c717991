import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with runserver and run the django-q2 cluster beside it; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args, addrport, noreload, **options):
        # runserver's autoreloader re-executes this command in a child with RUN_MAIN set:
        # only the outermost process owns the task cluster.
        if os.environ.get("RUN_MAIN") == "true":
            call_command("runserver", addrport, use_reloader=not noreload)
            return
        cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"], env=os.environ.copy())
        self.stdout.write(f"Task cluster started (pid {cluster.pid}).")
        self.stdout.write(self.style.SUCCESS(f"Qingfeng is at http://{addrport}/  (admin: http://{addrport}/admin/)"))
        try:
            call_command("runserver", addrport, use_reloader=not noreload)
        except KeyboardInterrupt:
            pass
        finally:
            cluster.terminate()
            try:
                cluster.wait(timeout=15)
            except subprocess.TimeoutExpired:
                cluster.kill()
            self.stdout.write("Task cluster stopped.")
