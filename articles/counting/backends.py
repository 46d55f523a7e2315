"""Where counted views go: ``ARTICLES_VIEW_COUNTER`` picks one of two counters.

``db``: every view is one atomic write (an upsert of the day's row and an increment of the article's total).
``redis``: every view is one ``HINCRBY``; ``manage.py flush_view_counts`` moves the counts to the database in
batches, exactly once each, and views are counted in the database while Redis is unreachable.
"""

import logging
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from datetime import date, timedelta
from typing import ClassVar, cast

from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from ..circuit_breaker import CircuitBreaker
from ..conf import conf
from ..models import Article, ArticleDailyViews, ViewCountFlush, column_of

logger = logging.getLogger(__name__)

# (article id, language, day) → views
ViewKey = tuple[int, str, date]

# Flush records older than this are deleted: every flush first finishes the batches earlier ones left behind, so a
# record is only needed until the next flush has run.
FLUSH_RECORDS_KEPT = timedelta(days=30)


class ViewCounter:
    """Counts views of articles; ``flush()`` makes everything counted so far visible in the database."""

    def record(self, *, article_id: int, language: str, day: date) -> None:
        raise NotImplementedError

    def flush(self) -> int:
        """Move pending views to the database; return how many were moved."""
        return 0

    def pending(self) -> int:
        """How many views are counted but not in the database yet."""
        return 0


class DatabaseViewCounter(ViewCounter):
    """One atomic write per view: nothing is ever pending."""

    def record(self, *, article_id: int, language: str, day: date) -> None:
        using = router.db_for_write(ArticleDailyViews)
        statements = Statements.get(using)
        connection = connections[using]
        if connection.vendor == "postgresql":
            # One statement: one round trip, atomic by itself. Inside a caller's transaction it gets a savepoint:
            # a failed write must not abort the transaction the rest of the request runs in.
            savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
            with savepoint, connection.cursor() as cursor:
                cursor.execute(statements.record_one, [article_id, language, day, 1, 1, article_id])
            return
        # SQLite: BEGIN IMMEDIATE (see the project's settings) takes the write lock up front, so concurrent workers
        # queue for it (up to the timeout) instead of failing with "database is locked".
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(statements.upsert_daily, [article_id, language, day, 1])
            cursor.execute(statements.add_to_total, [1, article_id])


class Statements:
    """The SQL the counters run, built once per database from the models' table and column names.

    ``INSERT … ON CONFLICT DO UPDATE`` is understood by PostgreSQL and SQLite (3.24+); the ORM's
    ``bulk_create(update_conflicts=True)`` can only overwrite a column, not add to it.
    """

    _built: ClassVar[dict[str, "Statements"]] = {}

    def __init__(self, using: str) -> None:
        quote = connections[using].ops.quote_name
        daily, article = quote(ArticleDailyViews._meta.db_table), quote(Article._meta.db_table)
        key = ", ".join(quote(column_of(ArticleDailyViews, name)) for name in ("article", "language", "day"))
        views = quote(column_of(ArticleDailyViews, "views"))
        total, pk = quote(column_of(Article, "view_count")), quote(column_of(Article, Article._meta.pk.name))
        self.upsert_daily = (
            f"INSERT INTO {daily} ({key}, {views}) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT ({key}) DO UPDATE SET {views} = {daily}.{views} + excluded.{views}"
        )
        self.add_to_total = f"UPDATE {article} SET {total} = {total} + %s WHERE {pk} = %s"
        self.record_one = f"WITH daily AS ({self.upsert_daily}) {self.add_to_total}"

    @classmethod
    def get(cls, using: str) -> "Statements":
        if using not in cls._built:
            cls._built[using] = cls(using)
        return cls._built[using]


def apply_views(views: Mapping[ViewKey, int], *, using: str) -> int:
    """Add ``views`` to the daily rows and the articles' totals, inside the caller's transaction.

    Views of articles deleted meanwhile are dropped. Rows are written in one order (all daily rows, then all
    totals, each sorted) so that concurrent writers never deadlock. Returns how many views were applied.
    """
    article_ids = sorted({article_id for article_id, _language, _day in views})
    existing: set[int] = set()
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start:start + 500]
        existing.update(Article.objects.using(using).filter(pk__in=chunk).values_list("pk", flat=True))
    rows = sorted((key, count) for key, count in views.items() if key[0] in existing and count > 0)
    totals: Counter[int] = Counter()
    for (article_id, _language, _day), count in rows:
        totals[article_id] += count
    statements = Statements.get(using)
    with connections[using].cursor() as cursor:
        cursor.executemany(statements.upsert_daily, [(*key, count) for key, count in rows])
        cursor.executemany(
            statements.add_to_total, [(count, article_id) for article_id, count in sorted(totals.items())]
        )
    return sum(totals.values())


class RedisViewCounter(ViewCounter):
    """``HINCRBY`` into one live hash; a flush renames it to a per-flush key, applies it, then deletes it.

    A flush killed midway loses nothing and counts nothing twice: the per-flush key stays in Redis until its views
    are committed to the database together with the flush's id, and the next flush applies every leftover key
    whose id the database does not know, and only deletes the others.

    When Redis fails, views are counted in the database instead and Redis is left alone for
    ``ARTICLES_VIEW_REDIS_RETRY_SECONDS`` (``breaker``, a circuit breaker), so a dead Redis costs one short timeout
    per worker per period, not one per request.
    """

    def __init__(self, *, url: str, key_prefix: str, timeout: float, retry_seconds: float) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.errors, self.timeout_error, self.response_error = redis.RedisError, redis.TimeoutError, redis.ResponseError
        self.pool = redis.ConnectionPool.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # A retried HINCRBY could count a view twice; the database is the retry.
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        self.client = redis.Redis(connection_pool=self.pool)
        self.live_key = f"{key_prefix}:live"
        self.flush_key_prefix = f"{key_prefix}:flush:"
        self.database = DatabaseViewCounter()
        self.breaker = CircuitBreaker(retry_seconds=retry_seconds, logger=logger)

    def record(self, *, article_id: int, language: str, day: date) -> None:
        if self.breaker.is_open or not self.send(f"{article_id}:{language}:{day:%Y%m%d}"):
            self.database.record(article_id=article_id, language=language, day=day)

    def send(self, field: str) -> bool:
        """``HINCRBY`` one view; False when Redis certainly did not count it (the database must).

        A command that was sent but not answered in time is left to Redis, not counted again in the database: a
        stalled Redis runs it once it wakes up (and one that died lost its unflushed counts with it anyway).
        Either failure opens the circuit breaker.
        """
        try:
            connection = self.pool.get_connection()
        except self.errors as error:
            return self.failed(error, sent=False)
        try:
            try:
                connection.send_command("HINCRBY", self.live_key, field, 1)
            except self.errors as error:
                return self.failed(error, sent=False)
            try:
                connection.read_response()
            except self.timeout_error as error:
                connection.disconnect()
                return self.failed(error, sent=True)
            except self.errors as error:
                connection.disconnect()
                return self.failed(error, sent=False)
            return True
        finally:
            self.pool.release(connection)

    def failed(self, error: Exception, *, sent: bool) -> bool:
        self.breaker.failed(
            "Counting views in the database for %ss at a time: Redis failed (%s)%s.", self.breaker.retry_seconds,
            error, "; the view that was sent is left to Redis" if sent else "",
        )
        return sent

    def pending(self) -> int:
        keys = [self.live_key, *self.client.scan_iter(match=f"{self.flush_key_prefix}*", count=1000)]
        return sum(int(value) for key in keys for value in self.client.hvals(key))

    def flush(self) -> int:
        applied = sum(
            self._apply(key) for key in sorted(self.client.scan_iter(match=f"{self.flush_key_prefix}*", count=1000))
        )
        flush_id = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:12]}"
        key = f"{self.flush_key_prefix}{flush_id}"
        try:
            # Atomic: views counted from now on go to a new live hash, and none fall between the two.
            self.client.rename(self.live_key, key)
        except self.response_error as error:
            if "no such key" not in str(error).lower():
                raise
        else:
            applied += self._apply(key)
        ViewCountFlush.objects.filter(applied_at__lt=timezone.now() - FLUSH_RECORDS_KEPT).delete()
        return applied

    def _apply(self, key: str) -> int:
        """Apply one per-flush key to the database unless it was applied before; then delete it."""
        flush_id = key.removeprefix(self.flush_key_prefix)
        using = router.db_for_write(ViewCountFlush)
        if ViewCountFlush.objects.using(using).filter(pk=flush_id).exists():
            self.client.delete(key)
            return 0
        # A client made with decode_responses=True reads str, which redis-py's types cannot tell from bytes.
        views = parse_views(cast("dict[str, str]", self.client.hgetall(key)).items())
        try:
            with transaction.atomic(using=using):
                # Written first: a second flush applying the same key at the same time waits here, then fails.
                ViewCountFlush.objects.using(using).create(id=flush_id, views=sum(views.values()))
                applied = apply_views(views, using=using)
        except IntegrityError:
            if not ViewCountFlush.objects.using(using).filter(pk=flush_id).exists():
                raise
            applied = 0
        self.client.delete(key)
        return applied


def parse_views(fields: Iterable[tuple[str, str]]) -> dict[ViewKey, int]:
    """Read a Redis hash of ``"<article id>:<language>:<YYYYMMDD>" → views``; skip what is not that."""
    views = {}
    for field, value in fields:
        try:
            article_id, language, day = field.split(":")
            views[int(article_id), language, date(int(day[:4]), int(day[4:6]), int(day[6:]))] = int(value)
        except ValueError:
            logger.error("Skipping a view count Redis field that is not article:language:day: %r", field)
    return views


_counters: dict[tuple, ViewCounter] = {}
_counters_lock = threading.Lock()


def view_counter() -> ViewCounter:
    """The counter the settings ask for: one per process and configuration, so its connections are reused."""
    key = (
        conf.ARTICLES_VIEW_COUNTER, conf.ARTICLES_VIEW_REDIS_URL, conf.ARTICLES_VIEW_REDIS_KEY_PREFIX,
        conf.ARTICLES_VIEW_REDIS_TIMEOUT, conf.ARTICLES_VIEW_REDIS_RETRY_SECONDS,
    )
    counter = _counters.get(key)
    if counter is None:
        with _counters_lock:
            counter = _counters.get(key)
            if counter is None:
                counter = _counters[key] = build_counter(key[0])
    return counter


def build_counter(name: str) -> ViewCounter:
    if name == "redis":
        return RedisViewCounter(
            url=conf.ARTICLES_VIEW_REDIS_URL,
            key_prefix=conf.ARTICLES_VIEW_REDIS_KEY_PREFIX,
            timeout=conf.ARTICLES_VIEW_REDIS_TIMEOUT,
            retry_seconds=conf.ARTICLES_VIEW_REDIS_RETRY_SECONDS,
        )
    return DatabaseViewCounter()
