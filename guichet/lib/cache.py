"""The cache that rate limits count in: Django's database cache, shared by every web process on
every machine (they share the database), with an atomic `incr`.

Django's `DatabaseCache.incr` reads then writes: two requests at the same moment read the same
count and both write count + 1, so a client sending in parallel goes past its limit (which is
why django-ratelimit calls that backend unfit). Here the row is locked while it is read and
rewritten (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the IMMEDIATE transactions of our
settings already let one writer at a time), and it keeps its expiry instead of getting the
default timeout again."""

from __future__ import annotations

import datetime as dt

from django.core.cache.backends import db
from django.db import connections, models, router, transaction
from django.utils import timezone


class DatabaseCache(db.DatabaseCache):
    def incr(self, key, delta=1, version=None):
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s{lock}",
                           [self.make_and_validate_key(key, version=version)])
            row = cursor.fetchone()
            value = self.get(key, self._missing_key, version=version)
            if row is None or value is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            expires = row[0]
            expression = models.Expression(output_field=models.DateTimeField())
            for converter in (connection.ops.get_db_converters(expression)
                              + expression.get_db_converters(connection)):
                expires = converter(expires, expression, connection)
            if timezone.is_naive(expires):
                expires = timezone.make_aware(expires, dt.UTC)
            remaining = max((expires - timezone.now()).total_seconds(), 1)
            value += delta
            self.set(key, value, timeout=remaining, version=version)
            return value
