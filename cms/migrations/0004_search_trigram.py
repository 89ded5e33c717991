"""Trigram indexes for the site search's icontains lookups on PostgreSQL; nothing on SQLite.

Django compiles `icontains` on PostgreSQL to `UPPER("col"::text) LIKE UPPER(%s)`, so the indexes are on
exactly that expression. pg_trgm needs at least three characters in a pattern to use them.
"""

from django.db import migrations

INDEXES = {
    "cms_searchentry_title_trgm": "title",
    "cms_searchentry_text_trgm": "text",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON cms_searchentry USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_editorial_roles")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
