"""SQLite full-text search: an FTS5 table per language, holding the stems of each article's title, lead and body.

SQLite's ``LIKE`` folds ASCII only; FTS5's ``unicode61`` tokenizer splits Cyrillic and Kazakh words and the terms
are case-folded in Python before they are stored, so ``Ә`` finds ``ә``. Stems come from the Snowball stemmers
(``snowballstemmer``, PyStemmer when installed), applied the same way to the text and to the query.
"""

import re
from collections.abc import Collection

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from .backends import SearchBackend, articles_connection
from .text import SearchQuery, index_terms

# bm25() weights of the title, lead and body columns.
COLUMN_WEIGHTS = (10.0, 4.0, 1.0)
CHUNK = 500


def fts_table(language: str) -> str:
    return "articles_search_" + re.sub(r"\W", "_", language.lower())


DELETE_TRIGGER = "articles_search_delete"


def create_storage(connection, languages: Collection[str]) -> None:
    """An FTS5 table per language, and a trigger that deletes an article's rows with the article (whoever deletes
    it: Django's flush, a raw ``DELETE``), since virtual tables cannot have foreign keys."""
    with connection.cursor() as cursor:
        for language in languages:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts_table(language)} "
                "USING fts5(title, lead, body, tokenize = 'unicode61 remove_diacritics 0')"
            )
        deletes = " ".join(f"DELETE FROM {fts_table(language)} WHERE rowid = old.id;" for language in languages)
        cursor.execute(f"DROP TRIGGER IF EXISTS {DELETE_TRIGGER}")
        cursor.execute(f"CREATE TRIGGER {DELETE_TRIGGER} AFTER DELETE ON articles_article BEGIN {deletes} END")


def drop_storage(connection, languages: Collection[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {DELETE_TRIGGER}")
        for language in languages:
            cursor.execute(f"DROP TABLE IF EXISTS {fts_table(language)}")


def delete_rows(cursor, table: str, ids: list[int]) -> None:
    if ids:
        cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids)


def match_expression(query: SearchQuery) -> str:
    """An FTS5 query requiring every term; terms are letters and digits only, quoted all the same."""
    return " AND ".join(f'"{term.stem}"*' if term.prefix else f'"{term.stem}"' for term in query.terms)


class SQLiteSearchBackend(SearchBackend):
    vendors = ("sqlite",)

    def index(self, article_ids: Collection[int]) -> None:
        from ..models import Article

        ids = list(article_ids)
        for language in conf.ARTICLES_LANGUAGES:
            columns = [build_localized_fieldname(name, language) for name in ("title", "lead", "body")]
            rows = Article.objects.filter(pk__in=ids).values_list("pk", *columns)
            self.write(language, ids, rows)

    def write(self, language: str, ids: list[int], rows) -> None:
        table = fts_table(language)
        with articles_connection().cursor() as cursor:
            delete_rows(cursor, table, ids)
            cursor.executemany(
                f"INSERT INTO {table} (rowid, title, lead, body) VALUES (%s, %s, %s, %s)",
                [
                    (pk, index_terms(title, language), index_terms(lead, language), index_terms(body, language))
                    for pk, title, lead, body in rows
                    if title or body
                ],
            )

    def remove(self, article_ids: Collection[int]) -> None:
        """Nothing to do: the trigger ``create_storage`` makes deletes an article's rows with the article."""

    def rebuild(self) -> int:
        from ..models import Article

        connection = articles_connection()
        create_storage(connection, conf.ARTICLES_LANGUAGES)
        with connection.cursor() as cursor:
            for language in conf.ARTICLES_LANGUAGES:
                cursor.execute(f"DELETE FROM {fts_table(language)}")
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            self.index(ids[start:start + CHUNK])
        return len(ids)

    def filter(self, articles: QuerySet, query: SearchQuery) -> QuerySet:
        table = fts_table(query.language)
        return articles.filter(pk__in=RawSQL(
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [match_expression(query)]
        ))

    def rank(self, articles: QuerySet, query: SearchQuery) -> QuerySet:
        table = fts_table(query.language)
        article_id = f"{articles_connection().ops.quote_name(articles.model._meta.db_table)}.id"
        weights = ", ".join(str(weight) for weight in COLUMN_WEIGHTS)
        # bm25() is lower for better matches; the rowid lookup keeps this to one index probe per article.
        rank = RawSQL(
            f"SELECT -bm25({table}, {weights}) FROM {table} WHERE {table} MATCH %s AND rowid = {article_id}",
            [match_expression(query)],
        )
        return self.filter(articles, query).annotate(search_rank=rank).order_by(
            "-search_rank", f"-{build_localized_fieldname('published_at', query.language)}", "-pk"
        )
