from django.db import migrations


def sync(apps, schema_editor):
    from directory.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0001_initial"), ("sms", "0002_roles")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
