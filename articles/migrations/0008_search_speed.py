"""Search speed on PostgreSQL: each search document also keeps whether its article is published (or scheduled)
and available in that language, its publication time and section, under an index newest first, so a search
reads the document table alone (see docs/search.md, "Speed"). The documents are written again to fill them.
SQLite's storage is unchanged."""

from django.db import migrations


def add_listing(apps, schema_editor):
    from articles.search import postgres

    if schema_editor.connection.vendor == "postgresql":
        # Adds the columns and the index; 0009 writes the documents (with today's code, which reads its columns).
        postgres.PostgresSearchBackend().create_storage()


def drop_listing(apps, schema_editor):
    from articles.search import postgres

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"DROP INDEX IF EXISTS {postgres.TABLE}_newest; "
                f"ALTER TABLE {postgres.TABLE} DROP COLUMN IF EXISTS listed, DROP COLUMN IF EXISTS published_at, "
                "DROP COLUMN IF EXISTS section_id"
            )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0007_slug_history"),
    ]

    operations = [
        migrations.RunPython(add_listing, drop_listing, elidable=False),
    ]
