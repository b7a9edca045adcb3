"""The public pages' cache with its bodies in a real Redis server (the machine's, on loopback,
database 15) and its generations in the shared database cache: what a deployment with
REDIS_URL and several web processes does."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from guichet.lib.public_cache import _bump, cached, generation

pytestmark = [pytest.mark.tools, pytest.mark.django_db]

REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
         "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": "guichet-test"}


@pytest.fixture
def redis_cache():
    with override_settings(CACHES={**settings.CACHES, "default": REDIS}):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


def test_bodies_go_to_redis_and_a_new_generation_rebuilds_them(redis_cache):
    built = []

    def build():
        built.append(1)
        return f"page {len(built)}"

    assert cached("reports", "home", build) == "page 1"
    assert cached("reports", "home", build) == "page 1"  # from Redis
    assert any(b"public:reports" in key for key in redis_cache._cache.get_client().keys("*"))
    _bump("reports")  # what a write in another process does once it commits
    assert cached("reports", "home", build) == "page 2"
    assert len(built) == 2


def test_a_lost_generation_never_comes_back_to_an_old_number(redis_cache):
    before = generation("reports")
    caches["shared"].clear()  # culled, or the table emptied
    assert generation("reports") > before
