"""Site search: the articles of one language that match a reader's words, best or newest first.

``text`` cuts text and queries into terms (stems, Kazakh endings, highlighting), ``backends`` defines the interface
an index implements and picks the site's (``ARTICLES_SEARCH_BACKEND``), ``postgres`` and ``sqlite`` are the
database's own indexes. Saves keep the index current through the signal receivers below; ``manage.py
rebuild_search_index`` builds it again. See docs/search.md.
"""

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date

from modeltranslation.utils import build_localized_fieldname

from ..deferring import DeferredSet
from .backends import DATE, RELEVANCE, SearchFilters, search_backend
from .results import SearchResults
from .text import SearchQuery, parse_query

# The ids saved inside ``search_index_deferred()``, indexed together when it ends.
_deferred: DeferredSet[int] = DeferredSet(
    "articles_search_deferred", lambda article_ids: search_index_update(article_ids=sorted(article_ids)),
)


@contextmanager
def search_index_deferred() -> Iterator[None]:
    """Index the articles saved inside in one call when the block ends, instead of once per save.

    For writers of many articles at once (an import's batch): the block must end inside the transaction that
    saved them, as the per-save indexing would have. Nothing is indexed when the block ends with an exception.
    """
    with _deferred.block():
        yield


def search_index_update(*, article_ids: Collection[int]) -> None:
    """Store the current text of these articles in the search index (and, for the database's own indexes,
    whether they are published and available in each language, their time and section)."""
    search_backend().index(article_ids)


def search_index_remove(*, article_ids: Collection[int]) -> None:
    search_backend().remove(article_ids)


def search_index_rebuild() -> int:
    """Index every article again; return how many were indexed."""
    return search_backend().rebuild()


def search_articles(
    *, text: str, language: str, section_id: int | None = None, since: date | None = None,
    until: date | None = None, order: str = RELEVANCE, fields: Collection[str] = (),
) -> tuple[SearchQuery, SearchResults]:
    """The published articles available in ``language`` that match ``text``, with their sections.

    Returns the parsed query (for highlighting; empty when ``text`` has no words, and then so are the results)
    and the results, by relevance (newest first among equals) or, with ``order="date"``, newest first, for a
    ``Paginator``: at most ``RESULTS_LIMIT`` of them are counted and listed.
    ``since`` and ``until`` bound the publication day (both included, in the site's time zone). ``fields``, when
    given, are the only ones of each article read (``QuerySet.only``; their section is read whole).
    """
    from ..models import Article

    query = parse_query(text, language)
    articles = Article.objects.public(language).select_related("section")
    if fields:
        articles = articles.only(*fields, "section")
    if section_id is not None:
        articles = articles.filter(section_id=section_id)
    time_field = build_localized_fieldname("published_at", language)
    if since is not None:
        articles = articles.filter(**{f"{time_field}__date__gte": since})
    if until is not None:
        articles = articles.filter(**{f"{time_field}__date__lte": until})
    return query, SearchResults(
        articles=articles, query=query, filters=SearchFilters(section_id=section_id, since=since, until=until),
        order=DATE if order == DATE else RELEVANCE, backend=search_backend(),
    )


def article_saved(sender, instance, **kwargs) -> None:
    """Signal receiver: index an article's text after each save (imports included), in the same transaction, or
    with the others when ``search_index_deferred()`` is open."""
    if not _deferred.defer([instance.pk]):
        search_index_update(article_ids=[instance.pk])


def article_deleted(sender, instance, **kwargs) -> None:
    search_index_remove(article_ids=[instance.pk])


# The admin's search takes at most this many matches of each language, the newest first: a list of ids that the
# change list's query can hold, instead of an OR of subqueries that the database may run once per row.
ADMIN_SEARCH_LIMIT = 1000


def article_ids_matching(*, text: str, limit: int = ADMIN_SEARCH_LIMIT) -> tuple[list[int], bool]:
    """The ids of the articles, drafts included, whose text in some language matches ``text``: in each language
    the newest ``limit`` matches. Also returns whether some language had more."""
    from ..conf import conf

    backend = search_backend()
    found: dict[int, None] = {}
    more = False
    for language in conf.ARTICLES_LANGUAGES:
        if query := parse_query(text, language):
            ids = backend.matching_ids(query, limit=limit + 1)
            more = more or len(ids) > limit
            found.update(dict.fromkeys(ids[:limit]))
    return list(found), more
