"""Backfill Reporter.phone_digest from the encrypted phone, so 我的 finds complaints filed before it existed.

Rows whose ciphertext no current key opens (a key dropped too early) stay without a digest: they remain reachable by
their receipt only, as before.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from cryptography.fernet import InvalidToken

    from complaints import crypto

    Reporter = apps.get_model("complaints", "Reporter")
    for row in Reporter.objects.filter(phone_digest="").only("pk", "phone_encrypted").iterator(chunk_size=500):
        try:
            phone = crypto.decrypt(row.phone_encrypted)
        except InvalidToken:
            continue
        Reporter.objects.filter(pk=row.pk).update(phone_digest=crypto.phone_digest(phone))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_reporter_phone_digest_and_post")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
