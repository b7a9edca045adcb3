"""Every export Guichet writes for spreadsheet programs (CSV, XLSX, ODS), from rows of cells.

A cell an agent opens in a spreadsheet must never run: a value typed by a resident such as
``=HYPERLINK("http://x")`` would otherwise become a live formula. As OWASP recommends (CSV
injection), every cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is written with a leading apostrophe, in every format.

The writers take any iterable of rows and consume it lazily: 100,000 rows never sit in memory.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def escape_formula(value) -> str:
    """The cell as text, prefixed with ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cells(row) -> list[str]:
    return [escape_formula(cell) for cell in row]


def write_csv(rows: Iterable, out, *, sheet: str = "") -> None:
    """CSV with « ; » (what French spreadsheet programs expect) to a text stream."""
    out.write("\ufeff")  # Excel reads UTF-8 accents correctly only with a BOM
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow(_cells(row))


def write_xlsx(rows: Iterable, out, *, sheet: str = "Feuille 1") -> None:
    """Office Open XML workbook to a binary stream (openpyxl's write-only mode streams)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    table = book.create_sheet(sheet[:31])
    for row in rows:
        table.append(_cells(row))
    book.save(out)


def write_ods(rows: Iterable, out, *, sheet: str = "Feuille 1") -> None:
    """OpenDocument spreadsheet to a binary stream, written row by row (odfpy would build
    the whole document in memory first)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), CONTENT_TYPES["ods"],
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        with archive.open("content.xml", "w") as content:
            content.write(_ODS_HEAD.format(name=quoteattr(sheet)).encode())
            for row in rows:
                cells = "".join(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}'
                    "</text:p></table:table-cell>" for cell in _cells(row))
                content.write(f"<table:table-row>{cells}</table:table-row>".encode())
            content.write(_ODS_TAIL.encode())


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "ods": write_ods}

_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:'
    'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    f'manifest:full-path="/" manifest:media-type="{CONTENT_TYPES["ods"]}"/><manifest:file-entry '
    'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content xmlns:office="urn:oasis:'
    'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
    'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'office:version="1.2"><office:body><office:spreadsheet><table:table table:name={name}>')
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def spreadsheet_save(rows: Iterable, *, fmt: str, sheet: str, field, name: str) -> int:
    """Write `rows` in `fmt` to a temporary file, save it into the FileField `field` under
    `name` (the model is not saved) and return the number of rows after the header. The rows
    are consumed lazily: an export of a million cases never sits in memory."""
    import io
    import tempfile

    from django.core.files import File

    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    with tempfile.TemporaryFile() as handle:
        if fmt == "csv":
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            WRITERS[fmt](counted(), text, sheet=sheet)
            text.flush()
            text.detach()
        else:
            WRITERS[fmt](counted(), handle, sheet=sheet)
        handle.seek(0)
        field.save(name, File(handle), save=False)
    return max(0, count - 1)
