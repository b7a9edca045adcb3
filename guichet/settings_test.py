"""The test suite's settings: the real ones, with what a developer's machine needs set
explicitly (outside DEBUG the settings refuse to start without SECRET_KEY, install the demo app
only with DEMO=1 and turn no payment provider on by default)."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-for-the-test-suite-0123456789abcdef")
os.environ.setdefault("DEMO", "1")
os.environ.setdefault("PAYMENT_PROVIDER", "test")

from guichet.settings import *  # noqa: E402, F403
