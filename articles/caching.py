"""Cached page parts that are never stale: every key carries the content generation, and any change to an
article, author, section or byline starts a new generation.

The generation lives in Django's cache. With a shared cache (Redis, the production set-up) an edit shows on the
next request in every worker; with the per-process memory cache, other processes see it when their entries expire
(``ARTICLES_PAGE_CACHE_SECONDS``). View counts are never part of a cached part.
"""

import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "articles:content-generation"


def content_generation() -> int:
    """The current generation: the time of the last content change the cache knows of."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def cached_with_generation(key: str) -> tuple[object, int]:
    """What the cache holds at ``key`` (None if nothing) and the current content generation, in one round trip."""
    found = cache.get_many([key, GENERATION_KEY])
    generation = found.get(GENERATION_KEY)
    return found.get(key), content_generation() if generation is None else generation


def content_changed(**kwargs) -> None:
    """Start a new generation; connected to the content models' save and delete signals in ``apps.py``.

    Once more when the change is committed: a page rendered in between read the rows as they were before it, and
    kept under the first new generation, it would be served until it expires.
    """
    renew_generation()
    using = kwargs.get("using")
    connection = transaction.get_connection(using)
    queued = connection.run_on_commit
    # Many changes in one transaction (an import writes thousands) need one renewal at its commit, not one each:
    # a renewal queued last, in the same savepoints, runs or is dropped together with this change.
    if queued and queued[-1][1] is renew_generation and queued[-1][0] == set(connection.savepoint_ids):
        return
    transaction.on_commit(renew_generation, using=using)


def renew_generation() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), None)


def generation_key(*parts: object, generation: int | None = None) -> str:
    """A cache key under the current generation (pass ``generation`` when it is already known)."""
    generation = content_generation() if generation is None else generation
    return ":".join(["articles", str(generation), *map(str, parts)])
