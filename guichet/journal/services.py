from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from .models import Entry

# Set for the length of a request that did not come from a person at a screen (an API
# application): every entry written meanwhile says through what it came.
_via: ContextVar[str] = ContextVar("journal_via", default="")


@contextmanager
def journal_via(label: str):
    token = _via.set(label)
    try:
        yield
    finally:
        _via.reset(token)


def journal_record(*, actor, action: str, case=None, person=None, **details) -> Entry:
    """Append one entry. Called by every service that changes a case and every view that shows
    personal data to an agent; within `journal_via` the entry names the application too."""
    if _via.get():
        details.setdefault("via", _via.get())
    return Entry.objects.create(actor=actor, action=action, case=case, person=person,
                                details=details)
