"""Exports of a procedure's files: one row per file, one column per answer. Rows are produced
lazily in chunks so that 100,000 files never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from guichet.lib.spreadsheets import spreadsheet_save

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


def export_run(*, export_id: int) -> None:
    """Write the export file (called by the worker). The requester's permissions are applied
    again: an agent who lost access to the unit gets an empty file."""
    from .models import Export
    from .selectors import submissions_filtered

    export = Export.objects.select_related("procedure", "requested_by").get(pk=export_id)
    items = submissions_filtered(export.requested_by, export.procedure, export.params)
    try:
        rows = spreadsheet_save(
            export_rows(export.procedure, items), fmt=export.fmt, sheet="Dossiers",
            field=export.file, name=f"dossiers-{export.procedure.slug}-{export.pk}.{export.fmt}")
    except Exception:
        Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED,
                                                   finished_at=timezone.now())
        raise
    export.status, export.rows = Export.Status.DONE, rows
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "rows", "finished_at"])


