"""The search table's vectors compressed with LZ4 instead of pglz, on PostgreSQL; SQLite gets nothing.

Ranking a page of results reads the vectors of the newest 1,000 matches (about 2 KB each, stored out of line), and
decompressing them with pglz was most of that time (docs/search.md, "Speed"). Setting the column's compression
changes only what is written from then on, so the table is written again, each vector cast to text and back,
which gives the same vector (no article's text is parsed again). The table is locked meanwhile (about a minute
for 300,000 vectors on the bench machine under load): searches and saves wait. A server built without LZ4 keeps
pglz (``STORAGE`` says so) and nothing is rewritten.
"""

from django.db import migrations


def compress_with_lz4(apps, schema_editor):
    from articles.search import postgres

    if schema_editor.connection.vendor != "postgresql":
        return
    backend = postgres.PostgresSearchBackend()
    backend.create_storage()  # the column's compression, where the server has LZ4
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression = 'l' FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'document'",
            [postgres.TABLE],
        )
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SET LOCAL statement_timeout = 0")  # a minute or more for a large archive
        # A change of type resets the column's compression to this default, which the rewrite then uses.
        cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
        # A rewrite of the table (and its indexes) rather than an UPDATE of every row, which left the table and its
        # TOAST twice their size until a VACUUM FULL (and a search then read twice the pages).
        cursor.execute(
            f"ALTER TABLE {postgres.TABLE} ALTER COLUMN document TYPE tsvector USING document::text::tsvector"
        )
    backend.create_storage()  # the column's own compression again
    schema_editor.execute(f"ANALYZE {postgres.TABLE}")

class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0016_admin_search"),
    ]

    operations = [
        migrations.RunPython(compress_with_lz4, migrations.RunPython.noop, elidable=False),
    ]
