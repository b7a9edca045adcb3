"""Small helpers for the PDFs Guichet writes with fpdf2's core fonts."""

from django.utils import timezone
from django.utils.formats import date_format
from fpdf import FPDF

# Core PDF fonts cover Latin-1; these common French characters lie outside it.
_LATIN1 = str.maketrans({"œ": "oe", "Œ": "OE", "’": "'", "‘": "'", "“": '"', "”": '"',
                         "…": "...", "–": "-", "—": "-", "\u202f": " ", "€": "EUR"})


def _text(value) -> str:
    return str(value).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _when(value) -> str:
    return date_format(timezone.localtime(value), "l j F Y à H:i")


def _line(pdf: FPDF, height: float, text: str) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
