"""Reads of public pages from a PostgreSQL replica (``DATABASE_REPLICA_URL``), everything else on the primary.

``ReplicaReadsMiddleware`` marks a request as a public read when it is an anonymous reader's ``GET`` of a public
page (by URL name, ``PUBLIC_VIEWS``) and no content changed in the last ``NEWSROOM_REPLICA_LAG_SECONDS``;
``ReplicaRouter`` then sends that request's reads to the ``replica`` alias. Everything else reads and writes on
``default``, the primary:

- every write (a counted view included: the beacon is not a public read, and its writes are writes; with
  ``DJANGO_DB_COUNTS_ASYNC_COMMIT`` a counted view goes to the ``counting`` alias, the primary again, whose
  connection commits without waiting for the WAL flush: ``ViewCountRouter``);
- the admin, staff and their previews (they have a session cookie), and any request that is not a ``GET``;
- a read inside a transaction (``atomic``), which must see the transaction's own writes;
- reads just after an edit, while the replica may not have it yet (a page from before the edit would otherwise be
  shown, and kept whole in the cache under the new content generation).
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from articles.caching import content_generation

REPLICA_DB_ALIAS = "replica"
COUNTING_DB_ALIAS = "counting"
# What a counted view writes (with the total on articles_article, in the same statement).
COUNTING_MODELS = frozenset({"articles.ArticleDailyViews"})

# The public pages (and files) that only read: their queries may go to the replica.
PUBLIC_VIEWS = frozenset({
    "articles:article_list",
    "articles:article_detail",
    "articles:section_detail",
    "articles:author_detail",
    "articles:feed",
    "articles:search",
    "robots_txt",
    "sitemap_index",
    "news_sitemap",
    "django.contrib.sitemaps.views.sitemap",
})

reads_from_replica: ContextVar[bool] = ContextVar("newsroom_reads_from_replica", default=False)


class ReplicaRouter:
    """Reads of a request marked by ``ReplicaReadsMiddleware`` go to the replica, unless in a transaction; all
    else goes to the primary."""

    def db_for_read(self, model, **hints) -> str:
        if reads_from_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows, wherever they were read

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return None  # migrate the primary; the replica follows it


class ViewCountRouter:
    """Counted views go to the ``counting`` alias: the primary, over a connection that commits without waiting
    for the WAL flush (``DJANGO_DB_COUNTS_ASYNC_COMMIT``). Says nothing about any other model."""

    def db_for_write(self, model, **hints) -> str | None:
        if model._meta.label in COUNTING_MODELS and COUNTING_DB_ALIAS in connections.settings:
            return COUNTING_DB_ALIAS
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True if COUNTING_DB_ALIAS in {obj1._state.db, obj2._state.db} else None


def is_public_read(request: HttpRequest) -> bool:
    """Whether ``request`` is an anonymous reader's ``GET`` of a public page, with no recent content change."""
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and match is not None
        and match.view_name in PUBLIC_VIEWS
        and time.time_ns() - content_generation() >= settings.NEWSROOM_REPLICA_LAG_SECONDS * 1_000_000_000
    )


class ReplicaReadsMiddleware:
    """Mark public reads for ``ReplicaRouter`` while their view runs; unused without a ``replica`` database."""

    def __init__(self, get_response) -> None:
        if REPLICA_DB_ALIAS not in connections.settings:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = reads_from_replica.set(False)
        try:
            return self.get_response(request)
        finally:
            reads_from_replica.reset(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        reads_from_replica.set(is_public_read(request))
