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
    for submission in submissions.select_related("case").iterator(chunk_size=2000):
        case = submission.case
        yield [case.reference,
               timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y %H:%M")
               if submission.submitted_at else "",
               submission.get_state_display(), case.requester_name, case.requester_email,
               *[display(f, submission.answers.get(f["key"])) for f in fields]]


def _safe(value: str) -> str:
    """Spreadsheets run cells that start like a formula; an answer never does."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def write_csv(rows: Iterable[list[str]], out) -> None:
    writer = csv.writer(out, delimiter=";")
    out.write("\ufeff")  # Excel opens UTF-8 with accents correctly only with a BOM
    for row in rows:
        writer.writerow([_safe(str(cell)) for cell in row])


def write_xlsx(rows: Iterable[list[str]], out) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dossiers")
    for row in rows:
        sheet.append([_safe(str(cell)) for cell in row])
    book.save(out)
