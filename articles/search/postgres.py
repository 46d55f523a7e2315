"""PostgreSQL full-text search: one ``tsvector`` per article and language, weighted title > lead > body.

The vectors live in ``articles_search_document`` under a GIN index, and are computed by PostgreSQL itself with
the language's text search configuration (``ARTICLES_SEARCH_STEMMERS``: ``english``, ``russian``; ``simple`` —
case folding only — for Kazakh, whose query words are matched by prefix). Beside each vector the row keeps what
the search page orders and narrows by — whether the article is ``listed_in()`` that language (published there,
now or later, and available: ``listed``), its publication time in that language and section — so that a search
reads this table alone and visits the (much larger) article table only for the page it shows. See
docs/search.md, "Speed".
"""

import re
from collections.abc import Collection
from datetime import datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from .backends import DATE, RESULTS_LIMIT, SearchBackend, SearchFilters, articles_connection
from .text import SearchQuery, stemmer_name

TABLE = "articles_search_document"
WEIGHTS = {"title": "A", "lead": "B", "body": "C"}
COLUMNS = ("article_id", "language", "document", "listed", "published_at", "section_id")

# Relevance is computed for the newest this many matches of a query only: ts_rank reads each match's whole
# vector, so ranking every match of a common word cost a second. It is RESULTS_LIMIT: no more are listed.
RANK_WINDOW = RESULTS_LIMIT

# No foreign key: it would forbid TRUNCATE of articles (Django's flush). Triggers keep the rows in step instead,
# whoever deletes articles, by a DELETE or a TRUNCATE.
STORAGE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    article_id bigint NOT NULL,
    language varchar(10) NOT NULL,
    document tsvector NOT NULL,
    PRIMARY KEY (article_id, language)
);
ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS listed boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS published_at timestamp with time zone,
    ADD COLUMN IF NOT EXISTS section_id bigint;
-- The vectors compressed with LZ4 rather than PostgreSQL's default pglz: ranking a page reads the 1,000 newest
-- matches' vectors (about 2 KB each, out of line), and decompressing them with pglz was most of its time (13-17 ms
-- against 5). A server built without LZ4 keeps pglz.
DO $$ BEGIN
    ALTER TABLE {TABLE} ALTER COLUMN document SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS {TABLE}_newest ON {TABLE} (language, published_at DESC, article_id DESC) WHERE listed;
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
        if not ids:
            return
        with articles_connection().cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [ids])
            for language in conf.ARTICLES_LANGUAGES:
                cursor.execute(*self.documents_sql(language, ids))

    def remove(self, article_ids: Collection[int]) -> None:
        """Nothing to do: the triggers of ``STORAGE`` delete an article's rows with the article."""

    def create_storage(self) -> None:
        """The table, its triggers and indexes, and a GIN index per language over all its rows (drafts included,
        for the admin). With the language in its condition, a word frequent in one language costs nothing in the
        others: one GIN index over every language returned, say, 60,000 English rows for a word searched in
        Kazakh, to be dropped one by one for their language, or was combined (``BitmapAnd``) with another index's
        ~100,000 entries for the language. The search page filters ``listed`` on the rows it finds (a few per
        cent are not)."""
        with articles_connection().cursor() as cursor:
            cursor.execute(STORAGE)
            for language in conf.ARTICLES_LANGUAGES:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {gin_index_name(language)} ON {TABLE} USING gin (document) "
                    "WHERE language = %s",
                    [language],
                )
                # Until migration 0014 a GIN index per language held the listed rows only; the planner preferred
                # the one over all rows as soon as both were there.
                cursor.execute(f"DROP INDEX IF EXISTS {listed_gin_index_name(language)}")
            # And one GIN index held every language.
            cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_gin")

    def drop_storage(self) -> None:
        with articles_connection().cursor() as cursor:
            cursor.execute(DROP_STORAGE)

    def rebuild(self) -> int:
        from ..models import Article

        self.create_storage()
        with articles_connection().cursor() as cursor:
            # A whole archive takes minutes, longer than DJANGO_DB_STATEMENT_TIMEOUT allows a request; callers
            # (the migration, rebuild_search_index) run this in a transaction, which this setting ends with.
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute(f"DELETE FROM {TABLE}")  # not TRUNCATE: searches go on during a rebuild
            for language in conf.ARTICLES_LANGUAGES:
                cursor.execute(*self.documents_sql(language))
        return Article.objects.count()

    def documents_sql(self, language: str, article_ids: list[int] | None = None) -> tuple[str, list]:
        """An ``INSERT … SELECT`` of the rows in ``language`` of every article (or of these) with text in it."""
        from ..models import Article

        quote = articles_connection().ops.quote_name
        config = text_search_config(language)
        columns = {name: build_localized_fieldname(name, language) for name in WEIGHTS}
        document = " || ".join(
            f"setweight(to_tsvector(%s::regconfig, coalesce({quote(columns[name])}, '')), '{weight}')"
            for name, weight in WEIGHTS.items()
        )
        articles = Article.objects.filter(Q(**{f"{columns['title']}__gt": ""}) | Q(**{f"{columns['body']}__gt": ""}))
        if article_ids is not None:
            articles = articles.filter(pk__in=article_ids)
        listed = Article.objects.listed_in(language).filter(pk=OuterRef("pk"))
        values = dict(zip(COLUMNS, (
            F("pk"), Value(language), RawSQL(document, [config] * len(WEIGHTS)), Exists(listed),
            F(build_localized_fieldname("published_at", language)), F("section_id"),
        ), strict=True))
        # Named, since the ORM may select annotations in another order than they are given. "pk" named too: values()
        # with expressions alone selects every column of the model as it is now, which fails in the migration that
        # builds these rows (0008) once a later migration adds a column.
        rows = articles.order_by().values("pk", **{f"row_{name}": value for name, value in values.items()})
        sql, params = rows.query.sql_with_params()
        names = ", ".join(f"row_{name}" for name in COLUMNS)
        return f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) SELECT {names} FROM ({sql}) AS rows", list(params)

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
            "-search_rank", f"-{build_localized_fieldname('published_at', query.language)}", "-pk"
        )

    def found_ids(
        self, articles: QuerySet, query: SearchQuery, *, filters: SearchFilters, order: str, start: int, stop: int
    ) -> list[int]:
        """From this table alone: by date, the newest matches; by relevance, the newest ``RANK_WINDOW`` matches
        ranked by ``ts_rank`` (newest first among equals)."""
        where, params = self.listed_matches(query, filters)
        sql, sql_params = self.found_ids_sql(query, where, params, order=order, start=start, stop=stop)
        with articles_connection().cursor() as cursor:
            cursor.execute(sql, sql_params)
            return [row[0] for row in cursor.fetchall()]

    def found_ids_sql(
        self, query: SearchQuery, where: str, params: list, *, order: str, start: int, stop: int, also: str = "",
        also_params: tuple = (),
    ) -> tuple[str, list]:
        """``found_ids``' query, selecting ``also`` (with ``also_params``) after each id."""
        order_by = "ORDER BY published_at DESC, article_id DESC"
        if order == DATE:
            sql = f"SELECT article_id{also} FROM {TABLE} WHERE {where} {order_by} LIMIT %s OFFSET %s"
        else:
            condition, condition_params = tsquery(query)
            sql = (
                f"SELECT newest.article_id{also} FROM (SELECT ctid AS row, article_id, published_at FROM {TABLE} "
                f"WHERE {where} {order_by} LIMIT {RANK_WINDOW}) AS newest {ranked_page(condition)}"
            )
            params = [*params, *condition_params]
        return sql, [*also_params, *params, stop - start, start]

    def count_sql(self, where: str) -> str:
        """Counting the rows that match ``where``, up to a limit (its last parameter)."""
        return f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s) AS found"

    def found_page(
        self, articles: QuerySet, query: SearchQuery, *, filters: SearchFilters, order: str, start: int, stop: int,
        limit: int,
    ) -> tuple[list[int], int]:
        """One query. By relevance, the count is that of the newest ``limit`` matches, read once for the ranking
        too (``limit`` is ``RANK_WINDOW`` + 1): a count of its own read the matches from the GIN index again
        (4-7 ms for a frequent word). By date, the count is a subquery of its own, as in ``count_found``."""
        where, params = self.listed_matches(query, filters)
        if order == DATE or limit <= RANK_WINDOW:
            sql, sql_params = self.found_ids_sql(
                query, where, params, order=order, start=start, stop=stop, also=f", ({self.count_sql(where)})",
                also_params=(*params, limit),
            )
        else:
            condition, condition_params = tsquery(query)
            sql = (
                f"WITH matches AS (SELECT ctid AS row, article_id, published_at FROM {TABLE} WHERE {where} "
                "ORDER BY published_at DESC, article_id DESC LIMIT %s) "
                "SELECT newest.article_id, (SELECT count(*) FROM matches) FROM "
                f"(SELECT * FROM matches ORDER BY published_at DESC, article_id DESC LIMIT {RANK_WINDOW}) AS newest "
                f"{ranked_page(condition)}"
            )
            sql_params = [*params, limit, *condition_params, stop - start, start]
        with articles_connection().cursor() as cursor:
            cursor.execute(sql, sql_params)
            rows = cursor.fetchall()
        if rows:
            return [row[0] for row in rows], rows[0][1]
        # No row to carry the count: nothing matches, or the page is past the last result.
        return [], 0 if start == 0 else self.count_found(articles, query, filters=filters, limit=limit)

    def matching_ids(self, query: SearchQuery, *, limit: int) -> list[int]:
        """From this table alone, through the language's GIN index over all its rows: those the language has not
        published yet (no time of their own: drafts, as they came first by the article's time when it was
        empty) first, then the newest by the language's time. Ordering by the article's time instead joined the
        article table, and the planner then walked the whole table by time for a word found nowhere in that
        language (0.4–0.8 s at 100,000 articles)."""
        condition, params = tsquery(query)
        with articles_connection().cursor() as cursor:
            cursor.execute(
                f"SELECT article_id FROM {TABLE} WHERE language = %s AND document @@ {condition} "
                "ORDER BY published_at DESC NULLS FIRST, article_id DESC LIMIT %s",
                [query.language, *params, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def count_found(self, articles: QuerySet, query: SearchQuery, *, filters: SearchFilters, limit: int) -> int:
        where, params = self.listed_matches(query, filters)
        with articles_connection().cursor() as cursor:
            cursor.execute(self.count_sql(where), [*params, limit])
            return cursor.fetchone()[0]

    def listed_matches(self, query: SearchQuery, filters: SearchFilters) -> tuple[str, list]:
        """The condition for rows matching ``query`` that readers of its language may see now, narrowed by
        ``filters``: ``public()`` as stored at the article's last save, its time compared now."""
        condition, condition_params = tsquery(query)
        where = ["language = %s", "listed", "published_at <= %s", f"document @@ {condition}"]
        params = [query.language, timezone.now(), *condition_params]
        if filters.section_id is not None:
            where.append("section_id = %s")
            params.append(filters.section_id)
        if filters.since is not None:
            where.append("published_at >= %s")
            params.append(start_of_day(filters.since))
        if filters.until is not None:
            where.append("published_at < %s")
            params.append(start_of_day(filters.until + timedelta(days=1)))
        return " AND ".join(where), params


def ranked_page(condition: str) -> str:
    """How the newest ``RANK_WINDOW`` matches (``newest``: each one's row, id and time, found and sorted without
    their vectors) are ranked by ``condition`` (a ``tsquery``): each one's vector read by its row (a ``Tid Scan``,
    in the statement's snapshot), and a page (``LIMIT``, ``OFFSET``) of the ranking kept. Sorting the matches with
    their vectors copied every one (about 2 KB, mostly in line) through the sort."""
    return (
        f"JOIN {TABLE} AS found ON found.ctid = newest.row ORDER BY ts_rank(found.document, {condition}) DESC, "
        "newest.published_at DESC, newest.article_id DESC LIMIT %s OFFSET %s"
    )


def listed_gin_index_name(language: str) -> str:
    """The GIN index over ``language``'s listed rows that migrations 0008 to 0013 made (``gin_index_name``'s now)."""
    return f"{TABLE}_gin_" + re.sub(r"\W", "_", language.lower())


def gin_index_name(language: str) -> str:
    """The GIN index over all of ``language``'s rows, drafts included."""
    return f"{listed_gin_index_name(language)}_all"


def start_of_day(day) -> datetime:
    """The first moment of ``day`` in the site's time zone, as the ORM's ``published_at__date`` counts days."""
    return timezone.make_aware(datetime.combine(day, time.min))
