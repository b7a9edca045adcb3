"""The rate limits' cache: shared through the database, with an increment that loses no count
when many processes add at once (threads here, each with its own database connection, as
gunicorn's processes have)."""

import datetime as dt
import threading
import uuid

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.utils import timezone


@pytest.mark.django_db(transaction=True)
def test_increments_at_the_same_moment_are_all_counted():
    cache = caches["ratelimit"]
    key = f"test:{uuid.uuid4()}"
    assert cache.add(key, 0, 60)
    start = threading.Barrier(6)
    failures = []

    def add_ten():
        try:
            start.wait()
            for _ in range(10):
                cache.incr(key)
        except Exception as exc:  # reported below: a thread's exception would be lost
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add_ten) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert cache.get(key) == 60
    cache.delete(key)


@pytest.mark.django_db
def test_an_increment_keeps_the_expiry():
    cache = caches["ratelimit"]
    cache.add("compteur", 1, 30)
    assert cache.incr("compteur") == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM guichet_ratelimit")
        [(expires,)] = cursor.fetchall()
    if isinstance(expires, str):  # SQLite: text, in UTC
        expires = dt.datetime.fromisoformat(expires)
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)
    assert 25 <= (expires - timezone.now()).total_seconds() <= 31


@pytest.mark.django_db
def test_a_missing_key_cannot_be_incremented():
    with pytest.raises(ValueError):
        caches["ratelimit"].incr("absent")
