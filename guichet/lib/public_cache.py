"""Anonymous public pages served from a cache, and never stale after a write.

Each family of pages (`"reports"`: the Open311 reads, the map's GeoJSON, the signalements
list) has a *generation*, a number kept in the shared database cache that every web process on
every machine reads. A page is cached under its family's current generation; a write that
changes what those pages show calls `public_pages_changed(family)` inside its transaction, and
once it commits the generation moves on: the next request of any process misses and rebuilds.
The page bodies themselves live in the `default` cache (Redis with `REDIS_URL`, otherwise each
process's memory): they may be per process, the generation may not.

A hit costs one indexed read of the shared cache and one read of the default cache."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

_GENERATION = "public-generation:{}"


def _shared():
    return caches["shared"]


def generation(family: str) -> int:
    key = _GENERATION.format(family)
    value = _shared().get(key)
    if value is None:
        # Never restart from a small number: bodies cached under an old generation may still be
        # in Redis, and must not be taken for new ones.
        value = time.time_ns()
        _shared().add(key, value, timeout=None)
        value = _shared().get(key, value)
    return value


def _bump(family: str) -> None:
    key = _GENERATION.format(family)
    try:
        _shared().incr(key)
    except ValueError:  # not there yet (or culled): any fresh value is a new generation
        _shared().set(key, time.time_ns(), timeout=None)


def public_pages_changed(family: str) -> None:
    """What the pages of `family` show has changed (or will, when the current transaction
    commits): they are rebuilt from then on. Before the commit they still show the old data,
    which is the truth until then."""
    transaction.on_commit(lambda: _bump(family))


def cached(family: str, key: str, build: Callable[[], object]):
    """`build()`'s value for `key`, from the cache when the family has not changed since."""
    if not settings.PUBLIC_CACHE_SECONDS:
        return build()
    full_key = f"public:{family}:{generation(family)}:{key}"
    value = caches["default"].get(full_key)
    if value is None:
        value = build()
        caches["default"].set(full_key, value, timeout=settings.PUBLIC_CACHE_SECONDS)
    return value
