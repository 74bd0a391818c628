"""The page cache's Redis storage, forgiving: when Redis cannot be reached (restarting, the
network to it cut), a page is built as though it had never been kept, and is not kept,
instead of the reader getting a server error. Selected by `core.page_cache.register`."""

from __future__ import annotations

import logging
from typing import Any

from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _unreachable(error: RedisError) -> None:
    log.warning("Redis unreachable, pages are built without the cache: %s", type(error).__name__)


class ForgivingRedisCache(RedisCache):
    """Flask-Caching's Redis cache whose reads miss and whose writes do nothing while Redis
    does not answer."""

    def get(self, key: str) -> Any:
        try:
            return super().get(key)
        except RedisError as error:
            _unreachable(error)
            return None

    def get_many(self, *keys: str) -> list[Any]:
        try:
            return super().get_many(*keys)
        except RedisError as error:
            _unreachable(error)
            return [None] * len(keys)

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        try:
            return super().set(key, value, timeout=timeout)
        except RedisError as error:
            _unreachable(error)
            return False

    def set_many(self, mapping: dict[str, Any], timeout: int | None = None) -> list[Any]:
        try:
            return super().set_many(mapping, timeout=timeout)
        except RedisError as error:
            _unreachable(error)
            return []
