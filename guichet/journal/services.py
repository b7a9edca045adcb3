from __future__ import annotations

from .models import Entry


def journal_record(*, actor, action: str, case=None, person=None, **details) -> Entry:
    """Append one entry. Called by every service that changes a case and every view that shows
    personal data to an agent."""
    return Entry.objects.create(actor=actor, action=action, case=case, person=person,
                                details=details)
