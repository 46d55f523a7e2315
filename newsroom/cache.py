"""Django's Redis cache, except that a Redis that is down or slow is a cache miss rather than a failed page."""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from articles.circuit_breaker import CircuitBreaker

logger = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    """Reads answer "not cached" and writes are dropped while Redis cannot be reached.

    Pages are then built from the database, as on a cold cache: slower, but served. After a failure the cache
    is left alone for ``RETRY_SECONDS`` (a circuit breaker), so an unreachable Redis costs one short socket
    timeout every few seconds, not one per cache read. One warning a minute at most.
    """

    RETRY_SECONDS = 5.0
    # One per process: Django makes a cache object per thread, and all of them talk to the same Redis.
    breaker = CircuitBreaker(retry_seconds=RETRY_SECONDS, logger=logger)

    def _failed(self, operation: str, error: RedisError) -> None:
        self.breaker.failed("Cache %s failed, serving without the cache: %s", operation, error)

    @property
    def _down(self) -> bool:
        return self.breaker.is_open

    def get(self, key, default=None, version=None):
        if self._down:
            return default
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._failed("get", error)
            return default

    def get_many(self, keys, version=None):
        if self._down:
            return {}
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._failed("get_many", error)
            return {}

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._down:
            return None
        try:
            return super().set(key, value, timeout, version)
        except RedisError as error:
            self._failed("set", error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._down:
            return False
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._failed("add", error)
            return False

    def delete(self, key, version=None):
        if self._down:
            return False
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._failed("delete", error)
            return False
