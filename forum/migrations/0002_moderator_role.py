from django.db import migrations


def grant_moderation(apps, schema_editor):
    # directory.roles lists forum.moderate_forum under the moderator role (版主); sync_roles only adds,
    # so running it again here is idempotent and keeps whatever an administrator granted by hand.
    from directory.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
        ("directory", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_moderation, migrations.RunPython.noop)]
