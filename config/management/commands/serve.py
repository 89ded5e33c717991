"""`manage.py serve`: runserver and the django-q2 cluster beside it, for development; one Ctrl-C or SIGTERM stops
both, and nothing they started is left running."""

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

STOP_TIMEOUT = 10  # seconds the cluster has to finish its tasks before it is killed


def _interrupt(signum, _frame):
    # SIGTERM (docker stop, systemd, a test harness) takes the Ctrl-C path: the `finally` below stops the cluster.
    raise KeyboardInterrupt


def stop_cluster(cluster: subprocess.Popen) -> None:
    """Ask the cluster (its own process group) to stop, then kill whatever of the group is left."""
    if cluster.poll() is None:
        cluster.terminate()
        try:
            cluster.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    try:
        # Its workers, monitor and pusher are in the same group; none may outlive the command.
        os.killpg(cluster.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    cluster.wait()


class Command(BaseCommand):
    help = "Serve the site with runserver and run the django-q2 cluster beside it; Ctrl-C or SIGTERM stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args, addrport, noreload, **options):
        # runserver's autoreloader re-executes this command in a child with RUN_MAIN set:
        # only the outermost process owns the task cluster.
        if os.environ.get("RUN_MAIN") == "true":
            call_command("runserver", addrport, use_reloader=not noreload)
            return
        signal.signal(signal.SIGTERM, _interrupt)
        # A process group of its own, so that stopping it reaches every process it forks.
        cluster = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"], env=os.environ.copy(), start_new_session=True
        )
        self.stdout.write(f"Task cluster started (pid {cluster.pid}).")
        self.stdout.write(self.style.SUCCESS(f"Qingfeng is at http://{addrport}/  (admin: http://{addrport}/admin/)"))
        try:
            call_command("runserver", addrport, use_reloader=not noreload)
        except KeyboardInterrupt:
            pass
        finally:
            # Django's reloader turns SIGTERM into sys.exit(0), which passes through here too.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            stop_cluster(cluster)
            self.stdout.write("Task cluster stopped.")
