import logging

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from directory.demo import demo_logins, existing_demo_usernames, load_demo
from directory.models import Department


class Command(BaseCommand):
    help = "Load the demo city 清河市: departments, 2,000 cadres, cadre groups and one login per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any department exists (used by `make run`)."
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every existing demo login (including `admin`) a new random password and print it.",
        )

    def handle(self, *args, if_empty=False, reset_passwords=False, **options):
        if if_empty and Department.objects.exists():
            self.stdout.write(_("Departments already exist: demo data not loaded."))
            self.write_login_hint(existing_demo_usernames())
            return
        # Wagtail logs a line per page created, edited and published: hundreds of them would bury the summary.
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        wagtail_log.setLevel(logging.WARNING)
        try:
            run = load_demo(stdout=self.stdout, reset_passwords=reset_passwords)
        finally:
            wagtail_log.setLevel(level)

        for label, created, total in run.rows:
            self.stdout.write(
                _("%(total)6d  %(label)s (%(created)d new)") % {"label": label, "total": total, "created": created}
            )

        if run.passwords:
            self.stdout.write("")
            self.stdout.write(self.style.WARNING(_("Demo logins: these passwords are shown only this once.")))
            for username, role, cadre, department in demo_logins():
                if username in run.passwords:
                    self.stdout.write(f"  {username:<13} {run.passwords[username]:<16} {role}  {cadre}（{department}）")
        if run.existing_users and not reset_passwords:
            self.write_login_hint(run.existing_users)
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))

    def write_login_hint(self, usernames):
        if usernames:
            self.stdout.write(
                _(
                    "The demo logins already exist (%(users)s); `manage.py load_demo --reset-passwords` "
                    "prints new passwords."
                )
                % {"users": ", ".join(usernames)}
            )
