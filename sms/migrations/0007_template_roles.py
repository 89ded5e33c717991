from django.db import migrations


def grant(apps, schema_editor):
    from directory.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("sms", "0006_templates_and_signatures")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
