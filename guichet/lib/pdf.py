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


def label_rows(pdf: FPDF, rows, *, size: int = 11, height: float = 6) -> None:
    """Label in bold, value under it: the layout of every receipt and acknowledgement."""
    for label, value in rows:
        pdf.set_font("Helvetica", "B", size)
        _line(pdf, height, _text(label))
        pdf.set_font("Helvetica", "", size)
        _line(pdf, height, _text(value))
        pdf.ln(1)
