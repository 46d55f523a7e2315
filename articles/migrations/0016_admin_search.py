"""The admin's article search at scale (docs/performance.md, finding 7), on PostgreSQL; SQLite gets nothing.

- The search table's GIN indexes, one over every language (the admin's) and one per language over the listed
  rows (the search page's), become one per language over all its rows, drafts included
  (``articles_search_document_gin_<lang>_all``): a word frequent in English no longer costs its tens of
  thousands of English rows when searched in Russian and Kazakh, and the search page filters ``listed`` on what
  it finds (the planner chose these over the listed ones as soon as both were there).
- The list also matches part of a title in any language or of the key, as typed (``icontains``: on PostgreSQL
  ``UPPER(column::text) LIKE UPPER('%…%')``), which read the whole article table four times a page (the count, the
  rows, and the date drill-down's MIN/MAX and years). A trigram index (``pg_trgm``, shipped with PostgreSQL) on
  that expression of each language's title and of the key answers it from the index.
"""

from django.conf import settings
from django.db import migrations

# Exactly the expression Django writes for ``<column>__icontains`` on PostgreSQL, so that the planner uses the index.
TRIGRAM_COLUMNS = ("key", *(f"title_{language}" for language in settings.MODELTRANSLATION_LANGUAGES))


def trigram_index_name(column: str) -> str:
    return f"articles_article_{column}_trigram"


def add_indexes(apps, schema_editor):
    from articles.search import postgres

    if schema_editor.connection.vendor != "postgresql":
        return
    postgres.PostgresSearchBackend().create_storage()  # the indexes per language; drops the former ones
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {trigram_index_name(column)} ON articles_article "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )
    schema_editor.execute("ANALYZE articles_article")
    schema_editor.execute(f"ANALYZE {postgres.TABLE}")


def drop_indexes(apps, schema_editor):
    from articles.search import postgres

    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {trigram_index_name(column)}")
    table = postgres.TABLE
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_gin ON {table} USING gin (document)")
    for language in settings.MODELTRANSLATION_LANGUAGES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {postgres.listed_gin_index_name(language)} ON {table} USING gin (document) "
            "WHERE listed AND language = %s",
            [language],
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {postgres.gin_index_name(language)}")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0015_article_counts"),
    ]

    operations = [
        migrations.RunPython(add_indexes, drop_indexes, elidable=False),
    ]
