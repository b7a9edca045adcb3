"""The inbox tabs: each is a filter on the cases of the agent's units, counted in one query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from guichet.cases.models import OPEN_STATUSES, Case
from guichet.cases.selectors import inbox_tab_filters


@dataclass(frozen=True)
class Tab:
    code: str
    label: str


TABS = (
    Tab("open", "À traiter"),
    Tab("new", "Nouvelles"),
    Tab("mine", "Mes demandes"),
    Tab("waiting", "En attente de l'usager"),
    Tab("due_soon", "Échéance proche"),
    Tab("overdue", "En retard"),
    Tab("closed", "Terminées"),
    # Every case whatever its state: where a statistic's figure leads (received in a month…).
    Tab("all", "Toutes"),
)
TAB_CODES = {tab.code for tab in TABS}


def tab_filters(user, now: dt.datetime | None = None) -> dict[str, Q]:
    return inbox_tab_filters(user, now)


# Finished cases pile up (nine in ten after a few years): they are counted up to this number,
# and the tab says "plus de 10 000" beyond it, so that the inbox stays fast at any size.
CLOSED_COUNT_CAP = 10_000


def tab_counts(cases: QuerySet[Case], filters: dict[str, Q]) -> dict[str, int]:
    """Open tabs counted exactly in one query over open cases only (a partial index holds every
    column they need); the closed tab counted up to CLOSED_COUNT_CAP + 1."""
    open_filters = {code: q for code, q in filters.items() if code not in ("closed", "all")}
    counts = cases.filter(status__in=OPEN_STATUSES).aggregate(
        **{code: Count("pk", filter=q) for code, q in open_filters.items()})
    counts["closed"] = cases.filter(filters["closed"])[:CLOSED_COUNT_CAP + 1].count()
    counts["all"] = counts["open"] + counts["closed"]
    return counts


def sort_cases(cases: QuerySet[Case], sort: str) -> QuerySet[Case]:
    if sort == "recent":
        return cases.order_by("-created_at", "-pk")
    if sort == "oldest":
        return cases.order_by("created_at", "pk")
    return cases.order_by(F("resolution_due_at").asc(nulls_last=True), "pk")
