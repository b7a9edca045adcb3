"""Reads of reports for an audience: the public (map, list, Open311) never sees who filed."""

from __future__ import annotations

from guichet.cases.models import OPEN_STATUSES

from .models import Report


def public_reports():
    """Reports of public categories that were not merged into another."""
    return (Report.objects.filter(category__is_public=True, merged_into__isnull=True)
            .select_related("case", "case__organisation", "case__unit", "category",
                            "category__parent", "commune"))


def open311_status(case) -> str:
    return "open" if case.status in OPEN_STATUSES else "closed"
