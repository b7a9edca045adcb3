"""The product's settings with the benchmark's URL conf (the bare views are not in the product)."""

from guichet.settings import *  # noqa: F401,F403

ROOT_URLCONF = "urls"
