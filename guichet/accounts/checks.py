"""What `manage.py check --deploy` refuses (errors, not warnings): a production must not run
with a public or missing key, with DEBUG, with the demo territory or with links in clear text.
The payment provider has its own check in guichet/bookings/checks.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def is_development_key(key: str) -> bool:
    """The key in the settings and the Makefile, Django's generated ones, or any short key."""
    return (not key or key == getattr(settings, "DEV_SECRET_KEY", None)
            or key.startswith(("dev-only-insecure", "django-insecure")) or len(key) < 50
            or len(set(key)) < 5)


@register(Tags.security, deploy=True)
def check_production_settings(app_configs=None, **kwargs):
    errors = []
    if is_development_key(settings.SECRET_KEY):
        errors.append(Error(
            "SECRET_KEY is missing, the public development key or too short: anyone could sign "
            "a magic link for any account.",
            hint="Give SECRET_KEY (or SECRET_KEY_FILE) a random value of at least 50 "
                 "characters, e.g. python -c \"import secrets; print(secrets.token_urlsafe(50))\".",
            id="guichet.E001"))
    if settings.DEBUG:
        errors.append(Error("DEBUG is on: error pages would show code and settings.",
                            hint="Unset DEBUG (or DEBUG=0) in production.", id="guichet.E002"))
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https" and (site.hostname or "") not in LOCAL_HOSTS:
        errors.append(Error(
            f"SITE_URL ({settings.SITE_URL}) is not HTTPS: the links sent by email (magic links, "
            "follow-up pages) would travel in clear text.",
            hint="SITE_URL=https://guichet.example.fr", id="guichet.E003"))
    if getattr(settings, "DEMO", False):
        errors.append(Error(
            "DEMO is on: the demo commands (load_demo creates accounts with a public password) "
            "are installed.", hint="Unset DEMO in production.", id="guichet.E004"))
    return errors
