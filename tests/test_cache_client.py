"""The Redis cache's client (``newsroom.cache.ReusedRedisCacheClient``): one ``redis.Redis`` per connection pool,
made once, for every operation after."""

import os
import uuid

import pytest

from newsroom.cache import ResilientRedisCache

from .support import RedisServer, needs_redis_server


@pytest.fixture
def redis_url():
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    if needs_redis_server.args[0]:
        pytest.skip("no REDIS_URL and no redis-server on PATH")
    server = RedisServer()
    yield server.url
    server.stop()


def test_every_operation_reuses_one_client_and_still_reads_what_it_wrote(redis_url):
    cache = ResilientRedisCache(redis_url, {"KEY_PREFIX": f"client-test-{uuid.uuid4().hex}"})
    client = cache._cache.get_client(write=True)
    cache.set("page", b"<html>", 30)
    assert cache.get_many(["page", "missing"]) == {"page": b"<html>"}
    cache.delete("page")
    assert cache.get("page") is None
    # One server: reads and writes share its pool, and so its client.
    assert cache._cache.get_client(write=True) is client and cache._cache.get_client() is client
