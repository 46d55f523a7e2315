"""The Redis cache's client (``newsroom.cache.ReusedRedisCacheClient``): one ``redis.Redis`` per connection pool,
made once, for every operation after."""

import uuid

from newsroom.cache import ResilientRedisCache


def test_every_operation_reuses_one_client_and_still_reads_what_it_wrote(redis_url):
    cache = ResilientRedisCache(redis_url, {"KEY_PREFIX": f"client-test-{uuid.uuid4().hex}"})
    client = cache._cache.get_client(write=True)
    cache.set("page", b"<html>", 30)
    assert cache.get_many(["page", "missing"]) == {"page": b"<html>"}
    cache.delete("page")
    assert cache.get("page") is None
    # One server: reads and writes share its pool, and so its client.
    assert cache._cache.get_client(write=True) is client and cache._cache.get_client() is client
