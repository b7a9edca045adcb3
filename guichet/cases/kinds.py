"""The kinds of request a Case can be. Each domain app registers its own in AppConfig.ready(),
so that reports, procedures, appointments and bookings plug in without changing `cases`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    # Resident-facing name of the next step while the case is open.
    next_step: str = "Le service étudie votre demande."
    # Called inside the transaction after every status change, for what a kind keeps beside
    # the case (e.g. a report's open flag that its map index uses).
    on_status_changed: Callable | None = None
    # Days after closure during which the requester may re-open the case (0: never).
    reopen_days: int = 0
    # The kind moves its cases through its own workflow (a procedure file): the generic status
    # change, closure, merge and "waiting for the resident" are refused for them.
    own_workflow: bool = False


_KINDS: dict[str, Kind] = {}


def register(code: str, label: str, **options) -> Kind:
    kind = Kind(code=code, label=label, **options)
    _KINDS[code] = kind
    return kind


def get(code: str) -> Kind:
    return _KINDS.get(code) or Kind(code=code, label=code)


def all_kinds() -> list[Kind]:
    return list(_KINDS.values())
