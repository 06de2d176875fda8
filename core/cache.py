"""The cache of production (rate-limit counters, the overview's figures) on Redis, failing open.

By default that Redis is the broker's server, and nothing the cache holds is needed to serve a page: a counter
that cannot be read is a request not counted, figures that cannot be read are computed again. So when Redis cannot
be reached (restarted, the network between them cut) every operation answers as on an empty cache, with a warning
in the log, instead of a server error on the sign-in page and the overview. Each operation gives up after
`socket_connect_timeout`/`socket_timeout` (the OPTIONS of the cache in settings), so a Redis that does not answer
costs a page about a second, not the operating system's TCP timeout (the defaults are in the class).

Rate limits are then not enforced: a deliberate choice, since the alternative is nobody signing in. The lockout
(django-axes, in the database) still stops password guessing.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


# After a failure, this process answers as an empty cache for this many seconds without trying Redis again, so a
# Redis that does not answer costs one request its timeout, not every cache operation of every page.
PAUSE_SECONDS = 30.0
# When each cache server (LOCATION) may be tried again (time.monotonic()); shared by the threads of the process.
_paused_until: dict[str, float] = {}


def _fail_open[**P, R](fallback: Callable[..., R]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the operation; when Redis cannot be reached, log a warning and answer `fallback(*args, **kwargs)`."""

    def decorator(operation: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(operation)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            server = ",".join(args[0]._servers)  # type: ignore[attr-defined]  # args[0] is the cache (self)
            if time.monotonic() < _paused_until.get(server, 0.0):
                return fallback(*args, **kwargs)
            try:
                return operation(*args, **kwargs)
            except UNREACHABLE as error:
                _paused_until[server] = time.monotonic() + PAUSE_SECONDS
                logger.warning(
                    "cache unreachable: %s answered as on an empty cache, and so is every operation of the next "
                    "%d s (rate limits not counted): %s",
                    operation.__name__,
                    PAUSE_SECONDS,
                    error,
                )
                return fallback(*args, **kwargs)

        return wrapped

    return decorator


def _default(self: RedisCache, key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _missing(self: RedisCache, key: str, *args: Any, **kwargs: Any) -> int:
    # What every cache raises for incr/decr of a missing key; core.ratelimit then opens a new window.
    raise ValueError(f"Key '{key}' not found")


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache that stores nothing while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # Defaults the cache's OPTIONS may override. redis-py otherwise retries a refused connection three times
        # with a backoff of up to 10 s, and waits for the system's TCP timeout on a host that does not answer:
        # seconds per page while Redis is down. One immediate retry still survives a connection Redis dropped.
        self._options: dict[str, Any] = {
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
            "retry": Retry(NoBackoff(), 1),
            **self._options,
        }

    get = _fail_open(_default)(RedisCache.get)
    get_many = _fail_open(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _fail_open(lambda *args, **kwargs: False)(RedisCache.add)
    set = _fail_open(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _fail_open(lambda self, data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _fail_open(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _fail_open(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _fail_open(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _fail_open(_missing)(RedisCache.incr)
    clear = _fail_open(lambda *args, **kwargs: None)(RedisCache.clear)
