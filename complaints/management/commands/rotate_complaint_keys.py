"""Re-encrypt reporters' and subscribers' contact data with the newest key of COMPLAINTS_ENCRYPTION_KEYS.

Rotation: put a new key first in COMPLAINTS_ENCRYPTION_KEYS (keep the old ones after it), deploy, run this
command, then remove the old keys. Each row is re-encrypted in its own short transaction; running it twice is
harmless. It also fills each reporter's phone digest (我的) again.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from complaints import crypto
from complaints.models import Reporter, Subscription


class Command(BaseCommand):
    help = "Re-encrypt complaint reporters' and subscribers' contact data with the newest encryption key."

    def handle(self, *args, **options):
        rotated = 0
        for pk in Reporter.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                row = Reporter.objects.select_for_update().get(pk=pk)
                row.name_encrypted = crypto.rotate(row.name_encrypted)
                row.phone_encrypted = crypto.rotate(row.phone_encrypted)
                # Recomputed too: the digest is keyed by SECRET_KEY, which may have changed with the keys.
                row.phone_digest = crypto.phone_digest(crypto.decrypt(row.phone_encrypted))
                row.save(update_fields=["name_encrypted", "phone_encrypted", "phone_digest"])
                rotated += 1
        for pk in Subscription.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                row = Subscription.objects.select_for_update().get(pk=pk)
                row.phone_encrypted = crypto.rotate(row.phone_encrypted)
                row.save(update_fields=["phone_encrypted"])
                rotated += 1
        self.stdout.write(f"{rotated} rows re-encrypted with the newest key.")
