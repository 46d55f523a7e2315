"""What a search found, one page at a time: the object a ``Paginator`` pages through."""

from django.db.models import QuerySet

from .backends import RESULTS_LIMIT, SearchBackend, SearchFilters
from .text import SearchQuery


class SearchResults:
    """The articles among ``articles`` that match ``query``, in ``order``, for a ``Paginator``.

    ``count()`` counts no further than ``RESULTS_LIMIT`` (``more_than_counted`` says whether there were more);
    a slice asks the backend for that page's ids only, then fetches those articles through ``articles`` — the
    publication rule and the reader's filters — so the page never shows what a reader may not see. A page
    announced with ``expect_page()`` before the paginator counts has its ids read with the count
    (``SearchBackend.found_page``).
    """

    def __init__(
        self, *, articles: QuerySet, query: SearchQuery, filters: SearchFilters, order: str, backend: SearchBackend
    ) -> None:
        self.articles, self.query, self.filters, self.order, self.backend = articles, query, filters, order, backend
        self.more_than_counted = False
        self._count: int | None = None
        self._expected = (0, 0)
        # The ids of results start to start + len(ids), read with the count; all there are from start on when
        # fewer than were asked for.
        self._read: tuple[int, int, list[int]] | None = None

    def expect_page(self, start: int, stop: int) -> None:
        """Say which results will be sliced: ``count()`` reads their ids along."""
        self._expected = (start, stop)

    def count(self) -> int:
        if self._count is None:
            found = 0
            if self.query:
                start, stop = self._expected
                stop = min(stop, RESULTS_LIMIT)
                if start < stop:
                    ids, found = self.backend.found_page(
                        self.articles, self.query, filters=self.filters, order=self.order, start=start, stop=stop,
                        limit=RESULTS_LIMIT + 1,
                    )
                    self._read = (start, stop, ids)
                else:
                    found = self.backend.count_found(
                        self.articles, self.query, filters=self.filters, limit=RESULTS_LIMIT + 1
                    )
            self.more_than_counted = found > RESULTS_LIMIT
            self._count = min(found, RESULTS_LIMIT)
        return self._count

    def exists(self) -> bool:
        return bool(self[:1])

    def __getitem__(self, page: slice) -> list:
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("SearchResults are read a page at a time, by a slice.")
        start, stop = page.start or 0, min(page.stop if page.stop is not None else RESULTS_LIMIT, RESULTS_LIMIT)
        if not self.query or start >= stop:
            return []
        ids = self._ids_read(start, stop)
        if ids is None:
            ids = self.backend.found_ids(
                self.articles, self.query, filters=self.filters, order=self.order, start=start, stop=stop
            )
        articles = self.articles.in_bulk(ids)
        return [articles[pk] for pk in ids if pk in articles]

    def _ids_read(self, start: int, stop: int) -> list[int] | None:
        """Results ``start`` to ``stop`` if ``count()`` read them, else None."""
        if self._read is None:
            return None
        read_start, read_stop, ids = self._read
        complete = len(ids) < read_stop - read_start  # the results end within what was read
        if read_start <= start and (stop <= read_stop or complete):
            return ids[start - read_start:stop - read_start]
        return None
