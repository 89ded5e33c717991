from django.db import migrations


def sync(apps, schema_editor):
    from directory.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("study", "0003_study_tasks")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
