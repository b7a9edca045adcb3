"""What other apps want done once a notification's fate is known (sent, or failed for good).

Notifications is a domain-level service that other apps use: it never imports them. An app that
wants to hear about outcomes (cases writes them on the timeline) registers a callback here from
its `AppConfig.ready()`; the callbacks run in the transaction that records the outcome."""

from __future__ import annotations

from collections.abc import Callable

_outcome_callbacks: list[Callable] = []


def on_notification_outcome(callback: Callable) -> None:
    """Call `callback(notification)` after each final outcome. Registering twice is harmless."""
    if callback not in _outcome_callbacks:
        _outcome_callbacks.append(callback)


def notification_outcome_known(notification) -> None:
    for callback in _outcome_callbacks:
        callback(notification)
