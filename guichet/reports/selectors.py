"""Reads of reports for an audience: the public (map, list, Open311) never sees who filed."""

from __future__ import annotations

from django.conf import settings

from guichet.cases.models import OPEN_STATUSES
from guichet.organisations.selectors import territory_bounds

from .models import Report


def public_reports():
    """Reports of public categories that were not merged into another."""
    return (Report.objects.filter(category__is_public=True, merged_into__isnull=True)
            .select_related("case", "case__organisation", "case__unit", "category",
                            "category__parent", "commune"))


def open311_status(case) -> str:
    return "open" if case.status in OPEN_STATUSES else "closed"


OPEN_DATA_FIELDS = ["reference", "categorie_code", "categorie", "commune_insee", "commune",
                    "latitude", "longitude", "date_signalement", "statut", "date_resolution",
                    "delai_resolution_jours"]


def open_data_rows():
    """Anonymised rows of public reports: no person, no free text, places rounded to about
    100 m (3 decimals). Streamed: the export may hold the whole history."""
    from django.utils import timezone

    rows = (public_reports().order_by("created_at")
            .values_list("case__reference", "category__service_code", "category__name",
                         "commune__insee_code", "commune__name", "lat", "lon", "created_at",
                         "case__status", "case__resolved_at")
            .iterator(chunk_size=2000))
    for reference, code, name, insee, commune, lat, lon, created, status, resolved in rows:
        is_open = status in OPEN_STATUSES
        days = (resolved - created).total_seconds() / 86400 if resolved else None
        delay = "" if is_open or days is None else f"{days:.1f}"
        placed = lat is not None and lon is not None
        yield [reference, code, name, insee, commune, f"{lat:.3f}" if placed else "",
               f"{lon:.3f}" if placed else "",
               timezone.localdate(created).isoformat(), "ouvert" if is_open else "résolu",
               "" if is_open or not resolved else timezone.localdate(resolved).isoformat(),
               delay]


def map_settings(*, commune=None) -> dict:
    """What the map templates need: tiles, attribution and where to open (the commune's
    outline when given and known, else the territory)."""
    boundary = getattr(commune, "boundary", None) if commune is not None else None
    bounds = ([boundary.min_lat, boundary.min_lon, boundary.max_lat, boundary.max_lon]
              if boundary is not None else territory_bounds())
    return {"tile_url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
            "bounds": ",".join(f"{v:.5f}" for v in bounds) if bounds else ""}
