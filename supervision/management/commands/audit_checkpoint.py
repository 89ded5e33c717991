from django.core.management.base import BaseCommand, CommandError

from supervision import audit


class Command(BaseCommand):
    help = "Sign the audit chain head now and write the checkpoint file (the daily schedule does the same)."

    def handle(self, *args, **options):
        try:
            checkpoint = audit.write_checkpoint()
        except audit.SigningKeyMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"#{checkpoint.seq} {checkpoint.hash} -> {checkpoint.file_name}")
