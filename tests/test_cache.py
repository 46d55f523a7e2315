"""With Redis as the cache (the production set-up), a Redis that goes away slows pages down; it never breaks them."""

import logging

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from articles.circuit_breaker import CircuitBreaker
from newsroom.cache import ResilientRedisCache

from .support import BROWSER, free_port


@pytest.fixture
def dead_redis_cache(settings, monkeypatch, clock):
    """The Redis cache, pointed at a port nothing listens on, with a breaker of its own on a fake clock."""
    monkeypatch.setattr(ResilientRedisCache, "breaker", CircuitBreaker(
        retry_seconds=ResilientRedisCache.RETRY_SECONDS, logger=logging.getLogger("newsroom.cache"), clock=clock,
    ))
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    return caches["default"]  # Django's test signals rebuild the cache handlers when CACHES changes


def test_a_dead_redis_cache_is_a_miss(dead_redis_cache):
    assert dead_redis_cache.get("anything", "default") == "default"
    assert dead_redis_cache.add("key", 1) is False
    dead_redis_cache.set("key", 1)  # dropped, no exception
    assert dead_redis_cache.get_many(["a", "b"]) == {}


def test_pages_are_served_and_views_counted_while_the_cache_is_down(client, make_article, dead_redis_cache):
    article = make_article()
    for language in ("en", "ru", "kk"):
        client.cookies.clear()  # three readers
        assert client.get(article.get_absolute_url(language), headers={"user-agent": BROWSER}).status_code == 200
    assert client.get("/en/").status_code == 200
    article.refresh_from_db()
    assert article.view_count == 3


@pytest.fixture
def redis_reads(monkeypatch) -> list[str]:
    """The reads that reached Django's Redis cache (past the breaker)."""
    reads = []
    real_get = RedisCache.get
    monkeypatch.setattr(RedisCache, "get", lambda self, key, *args, **kwargs: reads.append(key) or real_get(
        self, key, *args, **kwargs
    ))
    return reads


def test_after_a_failure_the_cache_is_left_alone_for_the_retry_period(dead_redis_cache, clock, redis_reads):
    for _ in range(10):
        assert dead_redis_cache.get("key") is None
    assert len(redis_reads) == 1
    clock.advance(ResilientRedisCache.RETRY_SECONDS - 0.001)
    assert dead_redis_cache.get("key") is None
    assert len(redis_reads) == 1
    clock.advance(0.001)
    assert dead_redis_cache.get("key") is None
    assert len(redis_reads) == 2, "once the period is over, Redis is tried again"


def test_a_cache_outage_is_logged_once_a_minute(dead_redis_cache, clock, caplog):
    caplog.set_level(logging.WARNING, logger="newsroom.cache")
    for _ in range(12):  # a minute of failures, one every retry period
        dead_redis_cache.get("key")
        clock.advance(ResilientRedisCache.RETRY_SECONDS)
    dead_redis_cache.get("key")
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 2 and all(message.startswith("Cache get failed") for message in warnings)
