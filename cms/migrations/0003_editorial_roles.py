from django.db import migrations

# What Wagtail's own migrations create for a new site; our roles and review workflow replace them.
WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"


def setup(apps, schema_editor):
    from directory.roles import sync_roles

    sync_roles(apps)
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    # Wagtail assigns its default workflow to the root page, which would send every page through it.
    WorkflowPage.objects.filter(workflow__name=WAGTAIL_DEFAULT_WORKFLOW).delete()
    Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW, workflow_states__isnull=True).delete()
    Task = apps.get_model("wagtailcore", "Task")
    Task.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW, task_states__isnull=True, workflow_tasks__isnull=True).delete()
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_education"),
        ("directory", "0002_roles"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
