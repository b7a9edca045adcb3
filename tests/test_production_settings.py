"""Production safety of the settings: no secret has a default outside DEBUG, the deploy check
refuses what would make a production unsafe, the demo exists only where asked for.

Settings are read once per process: each case starts `manage.py` in a process of its own, with
an environment that has none of the test suite's own choices."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Variables this file's cases set themselves (the test suite sets some for its own process).
OURS = {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DEMO", "PAYMENT_PROVIDER", "PAYMENT_SECRET",
        "SITE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "BEHIND_PROXY",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SECURE_COOKIES", "PAYFIP_CLIENT_NUMBER", "PAYFIP_CHECK_URL",
        "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set the last
PRODUCTION = {
    "DEBUG": "0", "SECRET_KEY": "k7Hq2vR9xLm4Tz8Wc1Bn6Yp3Fs5Dg0Ja-Ue_Oi2Kw7Vr4Nh9Qt1Zx6Cb3Ml8Pe5",
    "ALLOWED_HOSTS": "guichet.example.fr", "SITE_URL": "https://guichet.example.fr",
    "CSRF_TRUSTED_ORIGINS": "https://guichet.example.fr", "BEHIND_PROXY": "1",
    "SECURE_SSL_REDIRECT": "1", "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in OURS}
    base["DJANGO_SETTINGS_MODULE"] = "guichet.settings"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, text=True,
                          capture_output=True, env={**base, **env}, timeout=120)


def test_without_debug_and_without_secret_key_nothing_starts():
    """Before, the public development key was the default: a magic link could be signed for
    any account of a production that forgot SECRET_KEY."""
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert "SECRET_KEY_FILE" in result.stderr


def test_the_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("changes, errors", [
    # DEBUG uses the development key; the demo is on with DEBUG unless said otherwise.
    ({"DEBUG": "1", "SECRET_KEY": "", "SITE_URL": "http://guichet.example.fr",
      "PAYMENT_PROVIDER": "test"}, ["E001", "E002", "E003", "E004", "E011"]),
    ({"SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789abcdef",
      "DEMO": "1"}, ["E001", "E004"]),
    ({"SECRET_KEY": "court", "PAYMENT_PROVIDER": "payfip"}, ["E001", "E012"]),
])
def test_the_deploy_check_refuses_what_makes_a_production_unsafe(changes, errors):
    env = {**PRODUCTION, **changes}
    if not env["SECRET_KEY"]:
        del env["SECRET_KEY"]
    result = manage("check", "--deploy", **env)
    assert result.returncode == 1
    found = sorted(set(re.findall(r"\(guichet\.(E\d+)\)", result.stderr)))
    assert found == errors, result.stderr


def test_a_local_site_url_in_clear_text_is_fine_for_a_developer():
    result = manage("check", "--deploy", **{**PRODUCTION, "SITE_URL": "http://127.0.0.1:8108"})
    assert result.returncode == 0, result.stderr


def test_an_unknown_payment_provider_is_an_error_even_without_deploy():
    result = manage("check", **{**PRODUCTION, "PAYMENT_PROVIDER": "payfp"})
    assert result.returncode == 1 and "(guichet.E010)" in result.stderr


def test_the_demo_and_its_public_passwords_exist_only_with_debug_or_demo():
    production = manage("load_demo", "--help", **PRODUCTION)
    assert production.returncode == 1 and "Unknown command: 'load_demo'" in production.stderr
    assert manage("load_demo", "--help", **PRODUCTION, DEMO="1").returncode == 0
    assert manage("load_demo", "--help", DEBUG="1").returncode == 0


def test_no_payment_provider_and_a_payment_secret_of_its_own_by_default():
    code = ("from django.conf import settings as s; "
            "print(repr(s.PAYMENT_PROVIDER), s.PAYMENT_SECRET != s.SECRET_KEY, "
            "len(s.PAYMENT_SECRET) >= 64)")
    result = manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.stdout.split() == ["''", "True", "True"], result.stderr
    result = manage("shell", "--no-imports", "-c", code, **PRODUCTION, PAYMENT_PROVIDER="test",
                    PAYMENT_SECRET="x" * 64)
    assert result.stdout.split() == ["'test'", "True", "True"], result.stderr


def test_a_callback_signed_with_the_secret_key_is_refused(hall, settings):
    """PAYMENT_SECRET is derived from SECRET_KEY, not equal to it."""
    import hashlib
    import hmac

    from guichet.appointments.tests.fixtures import at, next_working_day
    from guichet.bookings.models import Payment
    from guichet.bookings.payments import TestProvider
    from guichet.bookings.services import facility_request, payment_callback

    day = next_working_day(5)
    case = facility_request(facility=hall, starts_at=at(day, 14), ends_at=at(day, 18),
                            audience="resident", purpose="Fête", attendees=10, name="Marc",
                            email="marc@exemple.fr")
    fields = TestProvider().callback_fields(case.payments.get(), paid=True)
    message = "|".join(fields[k] for k in ("reference", "result", "amount", "currency",
                                           "transaction")).encode()
    fields["signature"] = hmac.new(settings.SECRET_KEY.encode(), message,
                                   hashlib.sha256).hexdigest()
    assert payment_callback(provider_code="test", data=fields) is None
    assert case.payments.get().status == Payment.Status.PENDING
