from django.db import migrations


def grant_supervisor_permissions(apps, schema_editor):
    from directory.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial"), ("directory", "0002_roles")]

    operations = [migrations.RunPython(grant_supervisor_permissions, migrations.RunPython.noop)]
