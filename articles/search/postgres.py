"""PostgreSQL full-text search: one ``tsvector`` per article and language, weighted title > lead > body.

The vectors live in ``articles_search_document`` (article, language, document) under a GIN index, and are
computed by PostgreSQL itself with the language's text search configuration (``ARTICLES_SEARCH_STEMMERS``:
``english``, ``russian``; ``simple`` — case folding only — for Kazakh, whose query words are matched by prefix).
"""

from collections.abc import Collection

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from .backends import SearchBackend
from .text import SearchQuery, stemmer_name

TABLE = "articles_search_document"
WEIGHTS = {"title": "A", "lead": "B", "body": "C"}


def text_search_config(language: str) -> str:
    return stemmer_name(language) or "simple"


def tsquery(query: SearchQuery) -> tuple[str, list]:
    """``to_tsquery`` requiring every term; PostgreSQL stems stemmed languages' words as it stems the index."""
    terms = " & ".join(
        f"'{term.stem}':*" if term.prefix else f"'{term.word}'" for term in query.terms
    )
    return "to_tsquery(%s::regconfig, %s)", [text_search_config(query.language), terms]


class PostgresSearchBackend(SearchBackend):
    vendors = ("postgresql",)

    def connection(self):
        from ..models import Article

        return connections[router.db_for_write(Article)]

    def index(self, article_ids: Collection[int]) -> None:
        ids = list(article_ids)
        with self.connection().cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [ids])
            for language in conf.ARTICLES_LANGUAGES:
                sql, params = self.documents_sql(language)
                cursor.execute(f"{sql} AND id = ANY(%s)", [*params, ids])

    def remove(self, article_ids: Collection[int]) -> None:
        with self.connection().cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [list(article_ids)])

    def rebuild(self) -> int:
        from ..models import Article

        with self.connection().cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # not TRUNCATE: searches go on during a rebuild
            for language in conf.ARTICLES_LANGUAGES:
                cursor.execute(*self.documents_sql(language))
        return Article.objects.count()

    def documents_sql(self, language: str) -> tuple[str, list]:
        """An ``INSERT … SELECT`` of the documents in ``language`` of every article that has text in it."""
        from ..models import Article

        quote = self.connection().ops.quote_name
        config = text_search_config(language)
        columns = {name: quote(build_localized_fieldname(name, language)) for name in WEIGHTS}
        document = " || ".join(
            f"setweight(to_tsvector(%s::regconfig, coalesce({columns[name]}, '')), '{weight}')"
            for name, weight in WEIGHTS.items()
        )
        sql = (
            f"INSERT INTO {TABLE} (article_id, language, document) "
            f"SELECT id, %s, {document} FROM {quote(Article._meta.db_table)} "
            f"WHERE (coalesce({columns['title']}, '') <> '' OR coalesce({columns['body']}, '') <> '')"
        )
        return sql, [language, *[config] * len(WEIGHTS)]

    def filter(self, articles: QuerySet, query: SearchQuery) -> QuerySet:
        condition, params = tsquery(query)
        return articles.filter(pk__in=RawSQL(
            f"SELECT article_id FROM {TABLE} WHERE language = %s AND document @@ {condition}",
            [query.language, *params],
        ))

    def rank(self, articles: QuerySet, query: SearchQuery) -> QuerySet:
        condition, params = tsquery(query)
        article_id = f"{self.connection().ops.quote_name(articles.model._meta.db_table)}.id"
        rank = RawSQL(
            f"SELECT ts_rank(document, {condition}) FROM {TABLE} "
            f"WHERE article_id = {article_id} AND language = %s",
            [*params, query.language],
        )
        return self.filter(articles, query).annotate(search_rank=rank).order_by(
            "-search_rank", "-published_at", "-pk"
        )
