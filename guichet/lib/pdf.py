"""The one way Guichet writes a PDF: a Django template under `templates/pdf/` turned by
WeasyPrint into a tagged PDF/UA-1 file.

Tagged means a structure tree built from the HTML (headings, paragraphs, tables with their
header cells, lists) that screen readers follow, the document's language (`fr-FR`) and its
title shown instead of the file name. The text is set in Source Sans Pro, taken from the
`font-source-sans-pro` package and embedded as a subset, so that any name prints as typed
(« Łukasz Nguyễn », « Œuvre »), whatever fonts the server has."""

from __future__ import annotations

from pathlib import Path

import font_source_sans_pro
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

FONT_DIRECTORY = Path(font_source_sans_pro.font_directory)
FONT_FAMILY = "Source Sans Pro"
_FACES = [("normal", "normal", "SourceSansPro-Regular.ttf"),
          ("bold", "normal", "SourceSansPro-Bold.ttf"),
          ("normal", "italic", "SourceSansPro-It.ttf"),
          ("bold", "italic", "SourceSansPro-BoldIt.ttf")]
_FONT_URIS = {(FONT_DIRECTORY / name).as_uri() for _, _, name in _FACES}
_FONT_FACES = "\n".join(
    f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
    f'font-style: {style}; src: url("{(FONT_DIRECTORY / name).as_uri()}"); }}'
    for weight, style, name in _FACES)


class _FontsOnly(URLFetcher):
    """A document loads nothing but its fonts: text typed by a resident or an administrator
    (escaped anyway) can never make the renderer read a file or call a server."""

    def fetch(self, url, headers=None):
        if url not in _FONT_URIS:
            raise ValueError(f"Ressource refusée dans un PDF : {url}")
        return super().fetch(url, headers)


def when(value) -> str:
    """« mardi 3 décembre 2026 à 09:30 », in Paris time."""
    return date_format(timezone.localtime(value), "l j F Y à H:i")


def day(value) -> str:
    return date_format(value, "j F Y")


def render_pdf(template_name: str, context: dict, *, title: str, author: str = "") -> bytes:
    """The PDF of `templates/<template_name>` (which extends `pdf/base.html`).

    `title` is the document's title (shown by readers in place of the file name, and its
    first heading); `author` the collectivité that issues it."""
    html = render_to_string(template_name, {**context, "title": title, "author": author})
    fonts = FontConfiguration()
    fetcher = _FontsOnly()
    faces = CSS(string=_FONT_FACES, font_config=fonts, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[faces], font_config=fonts, pdf_variant="pdf/ua-1", uncompressed_pdf=False)
