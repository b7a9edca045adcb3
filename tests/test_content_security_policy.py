"""Every page sends a Content-Security-Policy that allows no inline script; the templates have
no inline script, style attribute or on* handler (the one inline <style> carries the nonce)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from guichet.lib.downloads import SANDBOX_CSP

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _plain_urls(patterns, prefix=""):
    """Every URL of the site that takes no parameter."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or "(" in route or "^" in route:
            continue
        if isinstance(entry, URLResolver):
            yield from _plain_urls(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_every_page_sends_the_policy(client, agent, case, settings):
    """As a signed-in agent, every parameterless URL of the site (pages, exports, feeds,
    redirects, refusals, 404s) answers with the header."""
    client.force_login(agent)
    urls = sorted(set(_plain_urls(get_resolver().url_patterns)))
    assert "/agents/" in urls and "/connexion/" in urls and len(urls) > 30
    for url in [*urls, "/nulle-part/", "/suivi/inconnu/"]:
        response = client.get(url)
        assert "Content-Security-Policy" in response, url
        if response.has_header("Content-Disposition"):  # a file: stricter still
            assert response["Content-Security-Policy"] == SANDBOX_CSP, url
            continue
        directives = policy(response)
        assert directives["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert directives["frame-ancestors"] == ["'none'"], url


def test_the_inline_style_carries_the_nonce_and_tiles_are_allowed(client, db):
    response = client.get("/")
    nonce = re.search(r"<style nonce=\"([^\"]+)\">", response.content.decode()).group(1)
    directives = policy(response)
    assert f"'nonce-{nonce}'" in directives["style-src"]
    assert "https://tile.openstreetmap.org" in directives["img-src"]
    assert client.get("/").content != response.content  # a new nonce each time


@pytest.mark.parametrize("url, origin", [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tiles.exemple.fr:8443/{z}/{x}/{y}.png", "https://*.tiles.exemple.fr:8443"),
    ("/tuiles/{z}/{x}/{y}.png", ""),  # our own server: 'self' is enough
])
def test_the_tiles_origin_comes_from_map_tile_url(url, origin):
    from guichet.settings import _origin

    assert _origin(url) == origin


def test_no_template_has_inline_script_style_attribute_or_handler():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if {"emails", "pdf", "archives"} & set(path.parts):  # read by mail clients, WeasyPrint
            continue  # or from a downloaded ZIP on the resident's own computer, never served
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                        r"<style(?![^>]*nonce=)", r"\sstyle=\"", r"\son[a-z]+=\"",
                        r"javascript:"):
            found += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}"
                      for m in re.finditer(pattern, text)]
    assert found == []
