"""Exports of a procedure's files: one row per file, one column per answer. Rows are produced
lazily in chunks so that 100,000 files never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from guichet.lib.spreadsheets import WRITERS

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
    import io
    import tempfile

    from django.core.files import File

    from .models import Export
    from .selectors import submissions_filtered

    export = Export.objects.select_related("procedure", "requested_by").get(pk=export_id)
    items = submissions_filtered(export.requested_by, export.procedure, export.params)
    counted = _Counter(export_rows(export.procedure, items))
    writer = WRITERS[export.fmt]
    try:
        with tempfile.TemporaryFile() as handle:
            if export.fmt == "csv":
                text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                writer(counted, text, sheet="Dossiers")
                text.flush()
                text.detach()
            else:
                writer(counted, handle, sheet="Dossiers")
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
