"""Where views are stored (``articles.counting.backends``): the Redis counter, its flush to the database, and what
happens when Redis stops or stalls."""

import shutil
import threading
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.counting.backends import RedisViewCounter, view_counter
from articles.counting.recording import article_record_view
from articles.models import ViewCountFlush

from .support import FakeClock, RedisServer, daily_rows, needs_redis_server, read, views_of

pytestmark = pytest.mark.usefixtures("fresh_most_read_cache")


# Seconds the test counters wait for Redis: long enough that a live Redis on a busy machine always answers in time;
# only the stalled-Redis test waits this long, once.
REDIS_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def shared_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not on PATH (apt-get install redis-server)")
    server = RedisServer()
    yield server
    server.stop()


def redis_counter_for(settings, url: str, clock: FakeClock) -> RedisViewCounter:
    """The Redis counter at ``url``, under a key prefix of its own, its circuit breaker on ``clock``.

    The socket timeout is generous: a live Redis on a busy machine must never look stalled.
    """
    settings.ARTICLES_VIEW_COUNTER = "redis"
    settings.ARTICLES_VIEW_REDIS_URL = url
    settings.ARTICLES_VIEW_REDIS_KEY_PREFIX = f"test:{uuid.uuid4().hex}"
    settings.ARTICLES_VIEW_REDIS_TIMEOUT = REDIS_TIMEOUT
    counter = view_counter()
    counter.breaker.clock = clock
    return counter


@pytest.fixture
def redis_counter(shared_redis, settings, clock) -> RedisViewCounter:
    return redis_counter_for(settings, shared_redis.url, clock)


@pytest.fixture
def redis_sends(monkeypatch) -> list[str]:
    """The views the Redis counter tried to send to Redis (those the breaker let through)."""
    sends = []
    real_send = RedisViewCounter.send
    monkeypatch.setattr(RedisViewCounter, "send", lambda self, field: sends.append(field) or real_send(self, field))
    return sends


def test_redis_views_reach_the_database_at_the_flush(client, make_article, redis_counter):
    article, other = make_article(), make_article()
    for _ in range(3):
        read(Client(), article)
    read(client, other, "kk")
    assert views_of(article) == 0 and redis_counter.pending() == 4
    call_command("flush_view_counts", verbosity=0)
    assert (views_of(article), views_of(other)) == (3, 1)
    assert daily_rows(other) == {("kk", timezone.localdate()): 1}
    assert redis_counter.pending() == 0
    call_command("flush_view_counts", verbosity=0)
    assert (views_of(article), views_of(other)) == (3, 1)


def test_a_flush_killed_before_it_committed_loses_nothing(make_article, redis_counter, monkeypatch):
    article = make_article()
    for _ in range(5):
        article_record_view(article_id=article.pk, language="en")

    def killed(views, using):
        raise KeyboardInterrupt

    monkeypatch.setattr("articles.counting.backends.apply_views", killed)
    with pytest.raises(KeyboardInterrupt):
        redis_counter.flush()
    monkeypatch.undo()
    article_record_view(article_id=article.pk, language="en")
    assert views_of(article) == 0 and redis_counter.pending() == 6
    assert redis_counter.flush() == 6
    assert views_of(article) == 6 and not ViewCountFlush.objects.filter(views=0).exists()


def test_a_flush_killed_after_it_committed_counts_nothing_twice(make_article, redis_counter, monkeypatch):
    article = make_article()
    for _ in range(4):
        article_record_view(article_id=article.pk, language="ru")

    def killed(*keys):
        raise KeyboardInterrupt

    monkeypatch.setattr(redis_counter.client, "delete", killed)
    with pytest.raises(KeyboardInterrupt):
        redis_counter.flush()
    monkeypatch.undo()
    assert views_of(article) == 4
    assert redis_counter.flush() == 0
    assert views_of(article) == 4 and sum(daily_rows(article).values()) == 4
    assert redis_counter.pending() == 0


@pytest.mark.django_db(transaction=True)
def test_two_flushes_finishing_the_same_batch_apply_it_once(make_article, redis_counter):
    article = make_article()
    for _ in range(7):
        article_record_view(article_id=article.pk, language="kk")
    key = f"{redis_counter.flush_key_prefix}interrupted"
    redis_counter.client.rename(redis_counter.live_key, key)  # as a flush killed after its RENAME leaves it
    results = []

    def finish() -> None:
        try:
            results.append(redis_counter._apply(key))
        finally:
            connection.close()

    flushers = [threading.Thread(target=finish) for _ in range(2)]
    for flusher in flushers:
        flusher.start()
    for flusher in flushers:
        flusher.join()
    assert sorted(results) == [0, 7]
    assert views_of(article) == 7 and redis_counter.pending() == 0


def test_views_of_an_article_deleted_before_the_flush_are_dropped(make_article, redis_counter):
    kept, deleted = make_article(), make_article()
    article_record_view(article_id=kept.pk, language="en")
    article_record_view(article_id=deleted.pk, language="en")
    deleted.delete()
    assert redis_counter.flush() == 1
    assert views_of(kept) == 1 and redis_counter.pending() == 0


def test_the_flush_command_has_nothing_to_do_for_the_database_counter(make_article, capsys):
    article = make_article()
    article_record_view(article_id=article.pk, language="en")
    call_command("flush_view_counts", verbosity=2)
    assert "nothing to flush" in capsys.readouterr().out
    assert views_of(article) == 1


@pytest.mark.django_db(transaction=True)
def test_views_counted_from_several_threads_are_all_kept(make_article):
    article = make_article()
    per_thread, threads = 25, 4

    def read():
        try:
            for _ in range(per_thread):
                article_record_view(article_id=article.pk, language="ru")
        finally:
            connection.close()

    workers = [threading.Thread(target=read) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    article.refresh_from_db()
    assert article.view_count == per_thread * threads


@needs_redis_server
def test_with_redis_stopped_pages_are_served_and_views_go_to_the_database(make_article, settings, clock, redis_sends):
    server = RedisServer()
    try:
        counter = redis_counter_for(settings, server.url, clock)
        article = make_article()
        for _ in range(3):
            assert read(Client(), article).status_code == 200
        counter.flush()
        for _ in range(2):
            read(Client(), article)  # counted in Redis, not flushed yet
        server.stop()
        redis_sends.clear()
        for _ in range(5):
            assert read(Client(), article).status_code == 200
        assert len(redis_sends) == 1, "the circuit breaker lets one request find Redis down, not every one"
        clock.advance(counter.breaker.retry_seconds - 0.001)
        read(Client(), article)
        assert len(redis_sends) == 1
        clock.advance(0.001)
        read(Client(), article)
        assert len(redis_sends) == 2, "after the retry period one request tries Redis again"
        # The flushed views are kept and those of the outage are in the database; only the two views Redis held
        # when it died went with it (this Redis keeps nothing on disk; see docs/counting.md).
        assert views_of(article) == 3 + 7
    finally:
        server.stop()


@needs_redis_server
def test_a_stalled_redis_loses_nothing_and_counts_nothing_twice(make_article, settings, clock, redis_sends):
    server = RedisServer()
    try:
        counter = redis_counter_for(settings, server.url, clock)
        article = make_article()
        for _ in range(3):
            read(Client(), article)  # in Redis
        server.pause()
        redis_sends.clear()
        for _ in range(4):
            assert read(Client(), article).status_code == 200  # the first waits REDIS_TIMEOUT for the stalled Redis
        assert len(redis_sends) == 1, "one request waits for the stalled Redis, the breaker spares the others"
        # The first view was sent and not answered: it is Redis's to count. The breaker then sent the other three
        # to the database.
        assert views_of(article) == 3
        server.resume()
        clock.advance(counter.breaker.retry_seconds)
        read(Client(), article)
        assert len(redis_sends) == 2, "the breaker lets Redis be tried again"
        counter.flush()
        assert views_of(article) == 3 + 4 + 1
        assert sum(daily_rows(article).values()) == 8
    finally:
        server.stop()


def test_each_flush_prunes_the_daily_rows_older_than_the_days_kept(client, make_article, redis_counter, settings):
    settings.ARTICLES_DAILY_VIEWS_KEEP_DAYS = 30
    article = make_article()
    article_record_view(article_id=article.pk, language="en", at=timezone.now() - timedelta(days=40))
    read(client, article)

    call_command("flush_view_counts", verbosity=0)

    assert daily_rows(article) == {("en", timezone.localdate()): 1}
    assert views_of(article) == 2
