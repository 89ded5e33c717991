from django.db import migrations


def create_roles(apps, schema_editor):
    from directory.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    # After Wagtail's own data migrations: some of them (wagtailimages 0023, wagtaildocs 0011) hand extra
    # permissions to every group that exists when they run, which would make our groups differ between databases.
    dependencies = [
        ("directory", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    # Reversing leaves the groups: deleting them would also drop whatever an administrator gave them since.
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
