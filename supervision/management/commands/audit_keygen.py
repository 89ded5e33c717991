from django.core.management.base import BaseCommand

from supervision.audit import new_key_pair


class Command(BaseCommand):
    help = "Print a new Ed25519 key pair for SUPERVISION_SIGNING_KEY and SUPERVISION_PUBLIC_KEY."

    def handle(self, *args, **options):
        private, public = new_key_pair()
        self.stdout.write(f"SUPERVISION_SIGNING_KEY={private}\nSUPERVISION_PUBLIC_KEY={public}\n")
