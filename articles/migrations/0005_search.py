"""Search storage: on PostgreSQL a tsvector per article and language under a GIN index, on SQLite an FTS5 table
per language (see articles/search/), then the articles already there are indexed (on PostgreSQL by 0009). Other
databases get nothing: they need an ARTICLES_SEARCH_BACKEND."""

from django.conf import settings
from django.db import migrations


def create_storage(apps, schema_editor):
    from articles.search import postgres, sqlite

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # The documents are written by the last migration that changes what they keep (0009): they are made by
        # today's code, which reads columns later migrations add.
        postgres.PostgresSearchBackend().create_storage()
    elif connection.vendor == "sqlite":
        sqlite.SQLiteSearchBackend().rebuild()  # creates the tables first


def drop_storage(apps, schema_editor):
    from articles.search import postgres, sqlite

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        postgres.PostgresSearchBackend().drop_storage()
    elif connection.vendor == "sqlite":
        sqlite.drop_storage(connection, settings.MODELTRANSLATION_LANGUAGES)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_publication_time_range"),
    ]

    operations = [
        migrations.RunPython(create_storage, drop_storage, elidable=False),
    ]
