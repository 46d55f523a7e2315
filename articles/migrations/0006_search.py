"""Search storage: on PostgreSQL a tsvector per article and language under a GIN index, on SQLite an FTS5 table
per language (see articles/search/). Other databases get nothing: they need an ARTICLES_SEARCH_BACKEND."""

from django.conf import settings
from django.db import migrations

POSTGRES_CREATE = """
CREATE TABLE articles_search_document (
    article_id bigint NOT NULL REFERENCES articles_article (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    language varchar(10) NOT NULL,
    document tsvector NOT NULL,
    PRIMARY KEY (article_id, language)
);
CREATE INDEX articles_search_document_gin ON articles_search_document USING gin (document);
"""


def create_storage(apps, schema_editor):
    from articles.search.postgres import PostgresSearchBackend
    from articles.search.sqlite import SQLiteSearchBackend, create_fts_table

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
        PostgresSearchBackend().rebuild()
    elif connection.vendor == "sqlite":
        for language in settings.MODELTRANSLATION_LANGUAGES:
            create_fts_table(connection, language)
        SQLiteSearchBackend().rebuild()


def drop_storage(apps, schema_editor):
    from articles.search.sqlite import fts_table

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search_document")
    elif connection.vendor == "sqlite":
        for language in settings.MODELTRANSLATION_LANGUAGES:
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts_table(language)}")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0003_translation_sources"),
    ]

    operations = [
        migrations.RunPython(create_storage, drop_storage, elidable=False),
    ]
