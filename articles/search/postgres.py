"""PostgreSQL full-text search: one ``tsvector`` per article and language, weighted title > lead > body.

The vectors live in ``articles_search_document`` (article, language, document) under a GIN index, and are
computed by PostgreSQL itself with the language's text search configuration (``ARTICLES_SEARCH_STEMMERS``:
``english``, ``russian``; ``simple`` — case folding only — for Kazakh, whose query words are matched by prefix).
"""

from collections.abc import Collection

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from .backends import SearchBackend, articles_connection
from .text import SearchQuery, stemmer_name

TABLE = "articles_search_document"
WEIGHTS = {"title": "A", "lead": "B", "body": "C"}

# No foreign key: it would forbid TRUNCATE of articles (Django's flush). Triggers keep the rows in step instead,
# whoever deletes articles, by a DELETE or a TRUNCATE.
STORAGE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    article_id bigint NOT NULL,
    language varchar(10) NOT NULL,
    document tsvector NOT NULL,
    PRIMARY KEY (article_id, language)
);
CREATE INDEX IF NOT EXISTS {TABLE}_gin ON {TABLE} USING gin (document);
CREATE OR REPLACE FUNCTION {TABLE}_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {TABLE};
    ELSE
        DELETE FROM {TABLE} WHERE article_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {TABLE}_delete ON articles_article;
CREATE TRIGGER {TABLE}_delete AFTER DELETE ON articles_article FOR EACH ROW EXECUTE FUNCTION {TABLE}_forget();
DROP TRIGGER IF EXISTS {TABLE}_truncate ON articles_article;
CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON articles_article
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_forget();
"""
DROP_STORAGE = f"""
DROP TRIGGER IF EXISTS {TABLE}_delete ON articles_article;
DROP TRIGGER IF EXISTS {TABLE}_truncate ON articles_article;
DROP FUNCTION IF EXISTS {TABLE}_forget();
DROP TABLE IF EXISTS {TABLE};
"""


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

    def index(self, article_ids: Collection[int]) -> None:
        ids = list(article_ids)
        with articles_connection().cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [ids])
            for language in conf.ARTICLES_LANGUAGES:
                sql, params = self.documents_sql(language)
                cursor.execute(f"{sql} AND id = ANY(%s)", [*params, ids])

    def remove(self, article_ids: Collection[int]) -> None:
        """Nothing to do: the triggers of ``STORAGE`` delete an article's rows with the article."""

    def create_storage(self) -> None:
        with articles_connection().cursor() as cursor:
            cursor.execute(STORAGE)

    def drop_storage(self) -> None:
        with articles_connection().cursor() as cursor:
            cursor.execute(DROP_STORAGE)

    def rebuild(self) -> int:
        from ..models import Article

        self.create_storage()
        with articles_connection().cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # not TRUNCATE: searches go on during a rebuild
            for language in conf.ARTICLES_LANGUAGES:
                cursor.execute(*self.documents_sql(language))
        return Article.objects.count()

    def documents_sql(self, language: str) -> tuple[str, list]:
        """An ``INSERT … SELECT`` of the documents in ``language`` of every article that has text in it."""
        from ..models import Article

        quote = articles_connection().ops.quote_name
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
        article_id = f"{articles_connection().ops.quote_name(articles.model._meta.db_table)}.id"
        rank = RawSQL(
            f"SELECT ts_rank(document, {condition}) FROM {TABLE} "
            f"WHERE article_id = {article_id} AND language = %s",
            [*params, query.language],
        )
        return self.filter(articles, query).annotate(search_rank=rank).order_by(
            "-search_rank", "-published_at", "-pk"
        )
