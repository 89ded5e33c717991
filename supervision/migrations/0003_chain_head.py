from django.db import migrations


def create_head(apps, schema_editor):
    # The row every append locks exists from the start, so two first appends cannot race to create it.
    apps.get_model("supervision", "ChainHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_roles")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
