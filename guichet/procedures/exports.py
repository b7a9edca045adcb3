"""Exports of a procedure's files: one row per file, one column per answer. Rows are produced
lazily in chunks so that 100,000 files never sit in memory at once."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone

from . import definition as definitions
from .fields import DISPLAY_ONLY, display


def export_rows(procedure, submissions) -> Iterator[list[str]]:
    fields = [f for f in definitions.all_fields(procedure.definition)
              if f.get("type") not in DISPLAY_ONLY | {"file"}]
    yield ["Référence", "Déposé le", "État", "Demandeur", "Courriel",
           *[f["label"] for f in fields]]
    for submission in submissions.select_related("case", "version").iterator(chunk_size=2000):
        case = submission.case
        yield [case.reference,
               timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M")
               if submission.submitted_at else "",
               submission.state_label, case.requester_name, case.requester_email,
               *[display(f, submission.answers.get(f["key"])) for f in fields]]


def _safe(value: str) -> str:
    """Spreadsheets run cells that start like a formula; an answer never does."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def write_csv(rows: Iterable[list[str]], out) -> None:
    writer = csv.writer(out, delimiter=";")
    out.write("\ufeff")  # Excel opens UTF-8 with accents correctly only with a BOM
    for row in rows:
        writer.writerow([_safe(str(cell)) for cell in row])


def write_ods(rows: Iterable[list[str]], out) -> None:
    """OpenDocument spreadsheet written row by row: odfpy builds the whole document in memory,
    which 100,000 files would not fit in."""
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE,
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        with archive.open("content.xml", "w") as content:
            content.write(ODS_HEAD.encode())
            for row in rows:
                cells = "".join(
                    f'<table:table-cell office:value-type="string"><text:p>'
                    f"{escape(_safe(str(cell)))}</text:p></table:table-cell>" for cell in row)
                content.write(f"<table:table-row>{cells}</table:table-row>".encode())
            content.write(ODS_TAIL.encode())


ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:'
    'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    f'manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/><manifest:file-entry '
    'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content xmlns:office="urn:oasis:'
    'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
    'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Dossiers">')
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
WRITERS = {"csv": "write_csv", "xlsx": "write_xlsx", "ods": "write_ods"}


def write_xlsx(rows: Iterable[list[str]], out) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dossiers")
    for row in rows:
        sheet.append([_safe(str(cell)) for cell in row])
    book.save(out)


def export_run(*, export_id: int) -> None:
    """Write the export file (called by the worker). The requester's permissions are applied
    again: an agent who lost access to the unit gets an empty file."""
    import io
    import tempfile

    from django.core.files import File

    from .models import Export
    from .selectors import submissions_filtered

    export = Export.objects.select_related("procedure", "requested_by").get(pk=export_id)
    items = submissions_filtered(export.requested_by, export.procedure, export.params)
    counted = _Counter(export_rows(export.procedure, items))
    writer = globals()[WRITERS[export.fmt]]
    try:
        with tempfile.TemporaryFile() as handle:
            if export.fmt == "csv":
                text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                writer(counted, text)
                text.flush()
                text.detach()
            else:
                writer(counted, handle)
            handle.seek(0)
            export.file.save(f"dossiers-{export.procedure.slug}-{export.pk}.{export.fmt}",
                             File(handle), save=False)
    except Exception:
        Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED,
                                                   finished_at=timezone.now())
        raise
    export.status, export.rows = Export.Status.DONE, max(0, counted.count - 1)
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "rows", "finished_at"])


class _Counter:
    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
