"""Absolute URLs for what leaves the site (emails, magic links, PDFs, calendars, SMS, the demo's
start-up lines): all of them are SITE_URL followed by a path, so that one setting decides where
every link points."""

from django.conf import settings


def local_site_url(host: str, port: str | int) -> str:
    """Where a server listening on host:port is reached from this machine. Settings derive
    SITE_URL from it when SITE_URL is not given (`make demo PORT=8102`)."""
    host = host.strip()
    if host in ("", "0.0.0.0", "::", "[::]"):  # every interface: this machine reaches it so
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def absolute_url(path: str) -> str:
    """`/suivi/abc/` → `https://guichet.example.fr/suivi/abc/`."""
    return settings.SITE_URL + path
