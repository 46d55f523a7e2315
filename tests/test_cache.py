"""With Redis as the cache (the production set-up), a Redis that goes away slows pages down; it never breaks them."""

import socket

import pytest
from django.core.cache import caches

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


@pytest.fixture
def dead_redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
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


def test_after_a_failure_the_cache_is_left_alone_for_a_while(dead_redis_cache, monkeypatch):
    from newsroom.cache import ResilientRedisCache

    monkeypatch.setattr(ResilientRedisCache, "_down_until", 0.0)
    attempts = []
    real_get = ResilientRedisCache.__mro__[1].get
    monkeypatch.setattr(ResilientRedisCache.__mro__[1], "get",
                        lambda self, *args, **kwargs: attempts.append(1) or real_get(self, *args, **kwargs))
    for _ in range(10):
        assert dead_redis_cache.get("key") is None
    assert len(attempts) == 1
