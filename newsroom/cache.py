"""Django's Redis cache, except that a Redis that is down or slow is a cache miss rather than a failed page."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from articles.circuit_breaker import CircuitBreaker

logger = logging.getLogger(__name__)


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool instead of making one per operation.

    Making one sets up its table of some 170 response callbacks: about a quarter of a millisecond of CPU per cache
    read, several per page, and most of what a page served whole from the cache costs beyond a bare view.
    redis-py clients are safe to share between threads.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Reads answer "not cached" and writes are dropped while Redis cannot be reached.

    Pages are then built from the database, as on a cold cache: slower, but served. After a failure the cache
    is left alone for ``RETRY_SECONDS`` (a circuit breaker), so an unreachable Redis costs one short socket
    timeout every few seconds, not one per cache read. One warning a minute at most.
    """

    RETRY_SECONDS = 5.0
    # One per process: Django makes a cache object per thread, and all of them talk to the same Redis.
    breaker = CircuitBreaker(retry_seconds=RETRY_SECONDS, logger=logger)

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient

    def _guarded(self, operation: str, default, call: Callable[[], Any]):
        """``call()``, or ``default`` while the breaker is open or when Redis fails (which opens it)."""
        if self.breaker.is_open:
            return default
        try:
            return call()
        except RedisError as error:
            self.breaker.failed("Cache %s failed, serving without the cache: %s", operation, error)
            return default

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, lambda: super(ResilientRedisCache, self).get(key, default, version))

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version))

    def delete(self, key, version=None):
        return self._guarded("delete", False, lambda: super(ResilientRedisCache, self).delete(key, version))
