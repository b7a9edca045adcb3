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


def _email_key(group, request) -> str:
    return (request.POST.get("email") or request.POST.get("username") or "").strip().lower()


KEYS = {"ip": "ip", "email": _email_key}


def form_throttled(request, form, *, name: str) -> int | None:
    """Count a POST of a public form against settings.RATE_LIMITS[name] (a list of (key,
    attempts, seconds), key "ip" or "email"); when over a limit, put a French error at the top
    of the form (what was typed stays) and return the seconds to wait for Retry-After."""
    from django.conf import settings

    if request.method != "POST":
        return None
    waits = [retry_after(request, group=f"{name}.{key}", key=KEYS[key], limit=attempts,
                         seconds=seconds)
             for key, attempts, seconds in settings.RATE_LIMITS.get(name, [])]
    wait = max((w for w in waits if w), default=None)
    if wait:
        minutes = max(1, round(wait / 60))
        form.add_error(None, f"Trop d'envois en peu de temps : réessayez dans {minutes} minute"
                             f"{'s' if minutes > 1 else ''}. Ce que vous avez saisi est conservé.")
    return wait


def too_many(response, wait: int):
    """The re-rendered form as a 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response
