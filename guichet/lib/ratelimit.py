"""Rate limits with django-ratelimit: every attempt counts, in the shared cache of
`settings.RATELIMIT_USE_CACHE` (see guichet.lib.cache)."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django_ratelimit.core import get_usage


def client_ip(request) -> str:
    """The client's address as the login throttle (django-axes) sees it, so that both limits
    agree behind a proxy."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"


def retry_after(request, *, group: str, key, limit: int, seconds: int = 60) -> int | None:
    """Count this attempt; None while within `limit` attempts in the window of `seconds`, else
    the seconds until the count starts again (for a Retry-After header)."""
    usage = get_usage(request, group=group, key=key, rate=(limit, seconds), increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(int(usage["time_left"]), 1)
