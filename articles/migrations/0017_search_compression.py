"""The search table's vectors compressed with LZ4 instead of pglz, on PostgreSQL; SQLite gets nothing.

Ranking a page of results reads the vectors of the newest 1,000 matches (about 2 KB each, stored out of line), and
decompressing them with pglz was most of that time (docs/search.md, "Speed"). Setting the column's compression
changes only what is written from then on, so the vectors are written again: cast to text and back, which gives
the same vector (no text is parsed again). A server built without LZ4 keeps pglz (``STORAGE`` says so) and
nothing is rewritten.
"""

from django.db import migrations


def compress_with_lz4(apps, schema_editor):
    from articles.search import postgres

    if schema_editor.connection.vendor != "postgresql":
        return
    postgres.PostgresSearchBackend().create_storage()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression = 'l' FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'document'",
            [postgres.TABLE],
        )
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SET LOCAL statement_timeout = 0")  # minutes for a large archive
        cursor.execute(f"UPDATE {postgres.TABLE} SET document = document::text::tsvector")
        cursor.execute(f"ANALYZE {postgres.TABLE}")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0016_admin_search"),
    ]

    operations = [
        migrations.RunPython(compress_with_lz4, migrations.RunPython.noop, elidable=False),
    ]
