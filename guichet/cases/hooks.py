"""What other apps want done when a case ends (closed by an agent, or decided in its own
workflow). `cases` never imports them: an app registers a callback from its `AppConfig.ready()`
(surveys asks the resident how satisfied they are).

A callback is called as ``callback(case, in_closing_email=...)`` inside the closing transaction
and returns a dict of extra context for the closing email (possibly empty). When
``in_closing_email`` is False the case has no closing email of its own (a procedure's decision
is sent by the procedure), so the callback sends what it needs itself."""

from __future__ import annotations

from collections.abc import Callable

_ended_callbacks: list[Callable] = []


def on_case_ended(callback: Callable) -> None:
    """Register `callback`; registering twice is harmless."""
    if callback not in _ended_callbacks:
        _ended_callbacks.append(callback)


def case_ended(case, *, in_closing_email: bool) -> dict:
    context: dict = {}
    for callback in _ended_callbacks:
        context.update(callback(case, in_closing_email=in_closing_email) or {})
    return context
