"""The kinds of request a Case can be. Each domain app registers its own in AppConfig.ready(),
so that reports, procedures, appointments and bookings plug in without changing `cases`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ResidentState:
    """What « Mes demandes » and the case page tell the resident about one case: where it
    stands (`label`, with a badge `tone` among the case statuses' names), what happens next or
    what to do (`next_step`, with an optional action link), and the date the service commits
    to, if there is one (`due`, what is due named by `due_label`: « Première réponse »), and
    whether that date has passed. A booking confirmed at once has no due date: its own date is
    in the label."""

    label: str
    next_step: str
    tone: str = "new"
    due: dt.datetime | None = None
    due_label: str = ""
    overdue: bool = False
    action_label: str = ""
    action_url: str = ""


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
    # The state a resident sees, from what the kind keeps beside the case (an appointment's,
    # a booking's own status); None falls back to the case's status and SLA dates.
    resident_state: Callable[..., ResidentState | None] | None = None
    # Relations resident_state reads, so that a list loads them in its own queries:
    # select_related paths (one-to-one rows beside the case) and prefetch_related paths.
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # The family of cached public pages that show these cases (guichet.lib.public_cache):
    # every change to such a case invalidates them.
    public_pages: str = ""


_KINDS: dict[str, Kind] = {}


def register(code: str, label: str, **options) -> Kind:
    kind = Kind(code=code, label=label, **options)
    _KINDS[code] = kind
    return kind


def get(code: str) -> Kind:
    return _KINDS.get(code) or Kind(code=code, label=code)


def all_kinds() -> list[Kind]:
    return list(_KINDS.values())


def resident_relations() -> tuple[list[str], list[str]]:
    """(select_related, prefetch_related) paths every registered kind's resident state needs."""
    selected = [path for kind in _KINDS.values() for path in kind.select_related]
    prefetched = [path for kind in _KINDS.values() for path in kind.prefetch_related]
    return list(dict.fromkeys(selected)), list(dict.fromkeys(prefetched))
