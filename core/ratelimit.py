"""Rate limits: at most N requests per window for one action and one key (a user, a client address, a user name),
counted in Django's cache (Redis in production, so every web process shares the counters).

A fixed window per action and key: the first request creates the counter with the window as its lifetime
(`cache.add`, atomic), later ones increment it (`cache.incr`, atomic in Redis and in the local-memory cache), so
two processes can never both take the last allowed request. Limits are settings (RATE_LIMITS) written
"count/seconds". Over the limit the user gets a 429 page in their language saying when to try again.

Why not django-ratelimit: its last release (4.1.0, 2023) declares neither Django 5 nor 6, answers 403 unless a
middleware and a view setting are added, and its system checks refuse the local-memory cache that `make run` uses.
"""

import functools
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        count, _slash, seconds = text.partition("/")
        return cls(count=int(count), seconds=int(seconds or 60))


def limit_for(action: str) -> Limit:
    return Limit.parse(settings.RATE_LIMITS[action])


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address the outermost
    trusted proxy saw (counted from the right of X-Forwarded-For, since a client can write anything on the left).
    Also django-axes' client address (AXES_CLIENT_IP_CALLABLE), so the lockout and the limits agree."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes' client address (AXES_CLIENT_IP_CALLABLE): the same as client_ip, but None when unknown (a
    login without a request address, e.g. a server on a Unix socket), since axes stores it in an address column."""
    address = client_ip(request)
    return None if address == "unknown" else address


def _cache_key(action: str, key: str) -> str:
    # Hashed: user names typed on the login page may hold anything, and cache keys must be short and plain.
    return f"ratelimit:{action}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def hit(action: str, key: str) -> bool:
    """Count one request for (action, key); False once the limit of the current window is exceeded."""
    limit = limit_for(action)
    cache_key = _cache_key(action, key)
    if cache.add(cache_key, 1, timeout=limit.seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The window ended between add() and incr(): this request opens the next one.
        cache.add(cache_key, 1, timeout=limit.seconds)
        return True
    return count <= limit.count


def too_many_requests(request: HttpRequest, action: str) -> HttpResponse:
    """The 429 page, with Retry-After set to the window's length (an upper bound of the wait)."""
    limit = limit_for(action)
    minutes = max(1, (limit.seconds + 59) // 60)
    logger.warning("rate limit %s exceeded by %s", action, client_ip(request))
    response = HttpResponse(
        render_to_string("core/too_many_requests.html", {"minutes": minutes}, request=request), status=429
    )
    response["Retry-After"] = str(limit.seconds)
    return response


def user_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def ratelimit(action: str, *, methods: tuple[str, ...] = ("GET", "POST")):
    """Limit a view (function, or a class's `dispatch` through method_decorator) to RATE_LIMITS[action] requests
    per user (per client address for visitors). Requests of other methods are not counted."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not hit(action, user_key(request)):
                return too_many_requests(request, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
