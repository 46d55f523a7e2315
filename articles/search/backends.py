"""The search backend interface, and which backend this site uses (``ARTICLES_SEARCH_BACKEND``).

A backend keeps the searchable text of articles and answers queries about it. It never decides who may see an
article: it is handed a queryset that already applies the publication rule (``Article.objects.published()
.available_in(language)``) and narrows and orders that queryset. The PostgreSQL and SQLite backends keep their
index in the same database; a site that outgrows them implements this class over an external engine.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db import connections, router
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from .text import SearchQuery

RELEVANCE, DATE = "relevance", "date"

# A search counts and lists at most this many results (the UI says "1,000+"): counting every match of a common
# word, and ranking all of them, is what made such searches slow (docs/search.md, "Speed").
RESULTS_LIMIT = 1000

DATABASE_BACKENDS = {
    "postgresql": "articles.search.postgres.PostgresSearchBackend",
    "sqlite": "articles.search.sqlite.SQLiteSearchBackend",
}


@dataclass(frozen=True)
class SearchFilters:
    """A reader's narrowing of a search: a section, and publication days (both included, in the site's time zone).

    ``search_articles`` has already applied them to the ``articles`` a backend is handed; a backend that answers
    from its own storage (``found_ids``, ``count_found``) applies them there too.
    """

    section_id: int | None = None
    since: date | None = None
    until: date | None = None


class SearchBackend:
    """Index articles and find them. Subclasses implement every method that raises ``NotImplementedError``;
    ``found_ids`` and ``count_found`` work through ``filter`` and ``rank`` unless a backend has a faster way."""

    #: Database vendors the backend needs for the articles' database (empty: any, e.g. an external engine).
    vendors: tuple[str, ...] = ()

    def index(self, article_ids: Collection[int]) -> None:
        """Store the current title, lead and body of these articles in every language, replacing what was stored.

        Called after each save, inside the saving transaction, so an import that rolls back leaves no trace.
        """
        raise NotImplementedError

    def remove(self, article_ids: Collection[int]) -> None:
        """Forget these articles (they were deleted)."""
        raise NotImplementedError

    def rebuild(self) -> int:
        """Index every article again from scratch; return how many articles there are."""
        raise NotImplementedError

    def filter(self, articles: QuerySet, query: SearchQuery) -> QuerySet:
        """The articles among ``articles`` whose text in ``query.language`` has every term of ``query``."""
        raise NotImplementedError

    def rank(self, articles: QuerySet, query: SearchQuery) -> QuerySet:
        """``filter()``'s articles annotated with ``search_rank`` (higher is better) and ordered by it, the
        newest first among equals."""
        raise NotImplementedError

    def found_ids(
        self, articles: QuerySet, query: SearchQuery, *, filters: SearchFilters, order: str, start: int, stop: int
    ) -> list[int]:
        """The ids of results ``start`` to ``stop`` (by ``RELEVANCE`` or by ``DATE``, newest first).

        The caller fetches these articles through ``articles`` again, so a backend that answers from its own copy
        of who may see what (kept current by ``index``) can never show more than the publication rule allows.
        """
        if order == DATE:
            newest = f"-{build_localized_fieldname('published_at', query.language)}"
            found = self.filter(articles, query).order_by(newest, "-pk")
        else:
            found = self.rank(articles, query)
        return list(found.values_list("pk", flat=True)[start:stop])

    def count_found(self, articles: QuerySet, query: SearchQuery, *, filters: SearchFilters, limit: int) -> int:
        """How many articles match, counting no further than ``limit``."""
        return self.filter(articles, query)[:limit].count()

    def found_page(
        self, articles: QuerySet, query: SearchQuery, *, filters: SearchFilters, order: str, start: int, stop: int,
        limit: int,
    ) -> tuple[list[int], int]:
        """``found_ids()`` and ``count_found()`` together: what a page of results needs, in one round trip where
        a backend can (the count may then be computed from the same matches)."""
        return (
            self.found_ids(articles, query, filters=filters, order=order, start=start, stop=stop),
            self.count_found(articles, query, filters=filters, limit=limit),
        )

    def matching_ids(self, query: SearchQuery, *, limit: int) -> list[int]:
        """For the admin: the ids of at most ``limit`` articles, drafts included, whose text in ``query.language``
        has every term of ``query``, the newest first."""
        from ..models import Article

        found = self.filter(Article.objects.all(), query).order_by("-published_at", "-pk")
        return list(found.values_list("pk", flat=True)[:limit])


@lru_cache(maxsize=8)
def load_backend(path: str) -> SearchBackend:
    return import_string(path)()


def articles_connection():
    """The connection to the database that holds articles (and the database backends' index)."""
    from ..models import Article

    return connections[router.db_for_write(Article)]


def backend_path() -> str:
    """The configured backend, else the one for the database that holds articles."""
    if conf.ARTICLES_SEARCH_BACKEND:
        return conf.ARTICLES_SEARCH_BACKEND
    return DATABASE_BACKENDS.get(articles_connection().vendor, "")


def search_backend() -> SearchBackend:
    """The backend this site searches with (one instance per process and setting)."""
    return load_backend(backend_path())
